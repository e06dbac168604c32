package io.uji.state;

/** Every test of {@link CheckpointSequenceTest}, with the store's tables compacted in the universal style. */
class CheckpointSequenceUnderUniversalCompactionTest extends CheckpointSequenceTest {
  @Override
  StateStoreConfig config(String name) {
    return super.config(name).withCompaction(Compaction.UNIVERSAL);
  }
}
