package io.uji.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint whose directory was renamed to its final name: its state and metadata were
 * complete and durable before the rename.
 *
 * @param id the checkpoint id (larger is newer)
 * @param dir {@code checkpoints/checkpoint-<20-digit id>/}
 */
public record CompletedCheckpoint(long id, Path dir) {

  /** @return the state directory handed out by {@link PendingCheckpoint#stateDir()} */
  public Path stateDir() {
    return dir.resolve(CheckpointDirectory.STATE);
  }

  /** @return the metadata file */
  public Path metadataFile() {
    return dir.resolve(CheckpointDirectory.METADATA);
  }

  /**
   * @return the metadata passed to {@link PendingCheckpoint#complete(byte[])}, without checking
   *     the state files (see {@link CheckpointDirectory#verify})
   * @throws CheckpointCorruptedException if the file is missing, torn or bit-flipped: fall back
   *     to the previous checkpoint
   */
  public byte[] readMetadata() {
    return readContents().metadata();
  }

  /** @throws CheckpointCorruptedException if the metadata file is missing, torn or bit-flipped */
  CheckpointContents readContents() {
    MetadataFile.Versioned v = MetadataFile.readVersioned(metadataFile());
    try {
      return CheckpointContents.fromBytes(v.version(), v.payload());
    } catch (IllegalArgumentException e) {
      throw new CheckpointCorruptedException(metadataFile(), "its checksum is right but its content is not a "
          + "checkpoint's (" + e.getMessage() + ")", e);
    }
  }
}
