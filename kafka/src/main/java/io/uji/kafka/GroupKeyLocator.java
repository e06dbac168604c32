package io.uji.kafka;

import io.uji.engine.cluster.KeyLocator;
import io.uji.streaming.KeyLocation;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Locates keys in a Kafka group: the producers' partitioning gives a key's group, the member's
 * {@link HostDirectory} the instance that runs it. Behind {@link KafkaGroup#locate} and, through
 * the engine's {@link KeyLocator}, the state queries of the group's context.
 */
final class GroupKeyLocator implements KeyLocator {
  private final String applicationId;
  private final String instanceId;
  private final KeyPartitioner<Object> partitioner;
  private final Supplier<HostDirectory> hosts;

  /**
   * @param partitioner the producers' partitioning, null if the builder got none
   * @param hosts the member's directory, null while the member is not running
   */
  GroupKeyLocator(String applicationId, String instanceId, KeyPartitioner<Object> partitioner,
      Supplier<HostDirectory> hosts) {
    this.applicationId = applicationId;
    this.instanceId = instanceId;
    this.partitioner = partitioner;
    this.hosts = hosts;
  }

  /**
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException without a partitioner, or while the member is not running
   * @throws IllegalArgumentException if the partitioner returns no partition of the topics
   */
  @Override
  public KeyLocation locate(Object key) {
    Objects.requireNonNull(key, "key: a record without a key has no fixed partition");
    if (partitioner == null) {
      throw noPartitioner();
    }
    HostDirectory d = hosts("locate a key");
    return d.locate(partitioner.partition(key, d.partitions()));
  }

  /** @return the error of a group built without the producers' partitioning */
  static IllegalStateException noPartitioner() {
    return new IllegalStateException("Locating a key needs the topic's key serializer: KafkaGroup.builder(...)"
        + ".keySerializer(...) (or .keyPartitioner(...) if the producers use their own partitioner)");
  }

  /** @throws IllegalStateException while the member is not running */
  HostDirectory hosts(String what) {
    HostDirectory d = hosts.get();
    if (d == null) {
      throw new IllegalStateException("KafkaGroup " + applicationId + " cannot " + what + ": its context has not"
          + " started or has stopped (instance " + instanceId + ")");
    }
    return d;
  }
}
