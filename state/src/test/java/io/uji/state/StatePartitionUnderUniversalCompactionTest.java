package io.uji.state;

/** Every test of {@link StatePartitionTest}, with the store's tables compacted in the universal style. */
class StatePartitionUnderUniversalCompactionTest extends StatePartitionTest {
  @Override
  StateStoreConfig config() {
    return super.config().withCompaction(Compaction.UNIVERSAL);
  }
}
