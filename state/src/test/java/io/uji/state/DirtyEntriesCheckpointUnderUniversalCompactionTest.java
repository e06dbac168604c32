package io.uji.state;

/** Every test of {@link DirtyEntriesCheckpointTest}, with the store's tables compacted in the universal style. */
class DirtyEntriesCheckpointUnderUniversalCompactionTest extends DirtyEntriesCheckpointTest {
  @Override
  StateStoreConfig config(String name) {
    return super.config(name).withCompaction(Compaction.UNIVERSAL);
  }
}
