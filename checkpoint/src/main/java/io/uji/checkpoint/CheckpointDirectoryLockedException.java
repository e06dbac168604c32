package io.uji.checkpoint;

/** Another owner (in this JVM or another process) holds the checkpoint directory's lock. */
public class CheckpointDirectoryLockedException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public CheckpointDirectoryLockedException(String message) {
    super(message);
  }
}
