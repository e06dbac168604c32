package io.uji.streaming;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the state of one key lives in a group of instances (Kafka Streams' {@code
 * queryMetadataForKey}), so that a lookup can be sent to the instance that holds it.
 *
 * <p>An empty {@link #activeHost} with {@link #localActive} false means that no instance is known
 * to run the key's group right now: the group is forming, the key group is moving between
 * instances, or its instance published no address. Ask again after the next rebalance.
 *
 * @param keyGroup the key's key group (in a Kafka group: the input partition of the key)
 * @param localActive whether this instance is assigned the key group (it may still be restoring
 *     its state)
 * @param localStandby whether this instance keeps a standby copy of the key group
 * @param activeHost the address (as the instances publish it, e.g. {@code host:port}) of the
 *     instance that runs the key group, if one is known
 * @param standbyHosts the addresses of the instances that keep a standby copy
 */
public record KeyLocation(int keyGroup, boolean localActive, boolean localStandby, Optional<String> activeHost,
    List<String> standbyHosts) {
  /** @throws IllegalArgumentException if {@code keyGroup} is negative */
  public KeyLocation {
    if (keyGroup < 0) {
      throw new IllegalArgumentException("A key group is not negative: " + keyGroup);
    }
    Objects.requireNonNull(activeHost, "activeHost");
    standbyHosts = List.copyOf(standbyHosts);
  }
}
