package io.uji.streaming;

/**
 * Records that a batch must read from a {@link ReplayableSource} no longer exist (deleted by
 * retention before they were read). The message names the partition and the positions lost.
 */
public class SourceDataLostException extends StreamingException {
  private static final long serialVersionUID = 1L;

  /**
   * Thrown by a {@link ReplayableSource} asked for records it no longer has; the batch, and so
   * the context, fails rather than silently skipping them.
   *
   * @param message the partition and the positions that are gone
   */
  public SourceDataLostException(String message) {
    super(message);
  }
}
