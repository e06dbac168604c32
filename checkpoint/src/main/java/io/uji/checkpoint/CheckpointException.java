package io.uji.checkpoint;

/**
 * A checkpoint-directory or log operation failed. Unchecked: callers cannot do much more than
 * stop the context. The message names the operation and the file.
 */
public class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
