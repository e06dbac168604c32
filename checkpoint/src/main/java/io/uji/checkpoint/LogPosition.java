package io.uji.checkpoint;

/**
 * Where a record starts: its segment number and the byte offset of its frame in that segment.
 * Ordered by segment then offset, which is the order records were appended.
 *
 * @param segment the segment number
 * @param offset the offset of the record's length field within the segment file
 */
public record LogPosition(long segment, long offset) implements Comparable<LogPosition> {

  public LogPosition {
    if (segment < 0 || offset < 0) {
      throw new IllegalArgumentException("negative log position " + segment + ":" + offset);
    }
  }

  @Override
  public int compareTo(LogPosition o) {
    int c = Long.compare(segment, o.segment);
    return c != 0 ? c : Long.compare(offset, o.offset);
  }

  @Override
  public String toString() {
    return segment + ":" + offset;
  }
}
