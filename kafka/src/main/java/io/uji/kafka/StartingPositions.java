package io.uji.kafka;

import io.uji.streaming.SourcePartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition that Uji has never read starts (a partition in a checkpoint resumes from the
 * checkpoint): at the consumer group's committed offset if it has one, as Spark's direct stream
 * does; otherwise, by {@code auto.offset.reset}, at the earliest offset, or at the latest for the
 * partitions that existed when the source first listed them. A partition created later is always
 * read from its start (as Structured Streaming does), so that nothing written to it is skipped.
 *
 * <p>Used by the job generator thread only.
 */
final class StartingPositions {
  private final boolean latest;
  private final GroupOffsets group;
  private final Set<String> seen = new HashSet<>();
  private final Map<String, Long> committed = new HashMap<>();
  private Set<String> firstListing;

  /**
   * @param latest whether {@code auto.offset.reset} is {@code latest}
   * @param group the source's consumer group, or null if it has none
   */
  StartingPositions(boolean latest, GroupOffsets group) {
    this.latest = latest;
    this.group = group;
  }

  /**
   * Takes a listing: fetches the group's committed offsets of the partitions not seen before, in
   * one request (so that {@link #initial} never has to ask the broker).
   *
   * @throws io.uji.streaming.SourceUnavailableException if the broker did not answer (the listing
   *     counts as not seen, and is taken again next time)
   */
  void onListing(List<SourcePartition> partitions) {
    List<TopicPartition> unseen = new ArrayList<>();
    for (SourcePartition p : partitions) {
      if (!seen.contains(p.id())) {
        unseen.add(PartitionIds.parse(p.id()));
      }
    }
    if (!unseen.isEmpty() && group != null) {
      committed.putAll(group.committed(unseen));
    }
    if (firstListing == null) {
      firstListing = new HashSet<>();
      partitions.forEach(p -> firstListing.add(p.id()));
    }
    partitions.forEach(p -> seen.add(p.id()));
  }

  long initial(SourcePartition p) {
    Long c = committed.get(p.id());
    if (c != null) {
      return Math.min(c, p.end()); // below the start: the reader applies the data-loss policy
    }
    return latest && firstListing != null && firstListing.contains(p.id()) ? p.end() : p.start();
  }
}
