package io.uji.checkpoint;

import java.nio.file.Path;

/**
 * A log segment holds bytes that are neither valid records nor a torn tail: a checksum mismatch
 * or garbage followed by valid data, damage in a segment that is not the last, or a bad
 * header. The log cannot be opened without losing acknowledged records, so nothing is repaired.
 */
public class LogCorruptedException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;

  public LogCorruptedException(Path file, long offset, String reason) {
    super("Log corrupted in " + file + " at offset " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
  }

  /** @return the damaged segment file */
  public Path file() {
    return file;
  }

  /** @return the byte offset of the first bad byte range within {@link #file()} */
  public long offset() {
    return offset;
  }
}
