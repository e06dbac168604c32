package io.uji.checkpoint;

import java.nio.file.Path;

/**
 * A file of a checkpoint is damaged: a metadata file torn, bit-flipped or not a metadata file,
 * or a state file missing, extra, truncated or with other bytes than the checkpoint recorded.
 * For a checkpoint this means the caller should set it aside and fall back to the previous one.
 */
public class CheckpointCorruptedException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public CheckpointCorruptedException(Path file, String reason) {
    super("Damaged checkpoint file " + file + ": " + reason);
    this.file = file;
  }

  public CheckpointCorruptedException(Path file, String reason, Throwable cause) {
    super("Damaged checkpoint file " + file + ": " + reason, cause);
    this.file = file;
  }

  /** @return the bad file */
  public Path file() {
    return file;
  }
}
