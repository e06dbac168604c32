package io.uji.kafka.local;

import java.util.Objects;

/**
 * What {@link EventLoader} writes: events {@code 0 .. events-1} of {@link SessionEvents} over
 * {@code users} users, into {@code topic}, which is created with {@code partitions} partitions if
 * it does not exist.
 */
public record LoadSpec(String topic, long events, long users, int partitions) {
  /** The partition count of the benchmark workload (and of the peer harnesses). */
  public static final int DEFAULT_PARTITIONS = 2;

  /**
   * @throws IllegalArgumentException if the topic is blank or a count is not positive
   */
  public LoadSpec {
    Objects.requireNonNull(topic, "topic");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be blank");
    }
    if (events < 1) {
      throw new IllegalArgumentException("events must be at least 1, got " + events);
    }
    if (users < 1) {
      throw new IllegalArgumentException("users must be at least 1, got " + users);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
  }

  /** {@code events} events over {@code users} users into {@code topic} with {@value #DEFAULT_PARTITIONS} partitions. */
  public static LoadSpec of(String topic, long events, long users) {
    return new LoadSpec(topic, events, users, DEFAULT_PARTITIONS);
  }
}
