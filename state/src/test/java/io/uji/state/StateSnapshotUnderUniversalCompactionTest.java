package io.uji.state;

/** Every test of {@link StateSnapshotTest}, with the store's tables compacted in the universal style. */
class StateSnapshotUnderUniversalCompactionTest extends StateSnapshotTest {
  @Override
  StateStoreConfig config(String name) {
    return super.config(name).withCompaction(Compaction.UNIVERSAL);
  }
}
