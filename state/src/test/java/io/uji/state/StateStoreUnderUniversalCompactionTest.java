package io.uji.state;

/** Every test of {@link StateStoreTest}, with the store's tables compacted in the universal style. */
class StateStoreUnderUniversalCompactionTest extends StateStoreTest {
  @Override
  StateStoreConfig config(String name) {
    return super.config(name).withCompaction(Compaction.UNIVERSAL);
  }
}
