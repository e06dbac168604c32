package io.uji.streaming;

/**
 * A partition of a {@link ReplayableSource} and the positions readable in it now.
 *
 * @param id the partition's stable name (for Kafka, {@code "topic-partition"})
 * @param start the first readable position (older ones were deleted)
 * @param end one past the last readable position
 */
public record SourcePartition(String id, long start, long end) {
  /** @throws IllegalArgumentException if {@code id} is empty or {@code end < start} */
  public SourcePartition {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("A source partition needs a name");
    }
    if (end < start) {
      throw new IllegalArgumentException("Partition " + id + " ends (" + end + ") before it starts (" + start + ")");
    }
  }
}
