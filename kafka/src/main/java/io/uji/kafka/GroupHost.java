package io.uji.kafka;

import java.util.List;
import java.util.Objects;

/**
 * One instance of a group as the last assignment describes it (Kafka Streams' {@code
 * StreamsMetadata}): its published address and the key groups it runs. Only instances that set
 * {@link KafkaGroup.Builder#applicationServer} are listed.
 *
 * @param applicationServer the instance's address ({@code host:port}, as it published it)
 * @param activeGroups the key groups (input partitions) it runs, ascending
 * @param standbyGroups the key groups it keeps a standby copy of, ascending
 * @param local whether it is this instance
 */
public record GroupHost(String applicationServer, List<Integer> activeGroups, List<Integer> standbyGroups,
    boolean local) {
  /** Copies the lists. */
  public GroupHost {
    Objects.requireNonNull(applicationServer, "applicationServer");
    activeGroups = List.copyOf(activeGroups);
    standbyGroups = List.copyOf(standbyGroups);
  }
}
