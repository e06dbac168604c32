package io.uji.checkpoint;

import java.nio.file.Path;

/**
 * A metadata file is torn, bit-flipped or not a metadata file. For a checkpoint this means the
 * caller should fall back to the previous checkpoint.
 */
public class CheckpointCorruptedException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CheckpointCorruptedException(Path file, String reason) {
    super("Corrupted metadata file " + file + ": " + reason);
    this.file = file;
  }

  public CheckpointCorruptedException(Path file, String reason, Throwable cause) {
    super("Corrupted metadata file " + file + ": " + reason, cause);
    this.file = file;
  }

  /** @return the bad file */
  public Path file() {
    return file;
  }
}
