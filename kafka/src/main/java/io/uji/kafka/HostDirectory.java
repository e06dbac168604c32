package io.uji.kafka;

import io.uji.streaming.KeyLocation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which instance runs which key group, from the host map of the latest assignment (design 11):
 * written by the membership loop at each assignment, read from any thread. Each update replaces
 * an immutable {@link Snapshot}, so a reader sees one assignment whole, never half of two.
 */
final class HostDirectory {
  /**
   * One assignment's view of the group.
   *
   * @param localActive the key groups assigned to this instance
   * @param localStandby the key groups this instance keeps standby copies of
   * @param hosts every instance that published an address, in the leader's order
   * @param activeHost per key group, the address of the instance that runs it (absent: unknown)
   * @param standbyHosts per key group, the addresses of its standby copies
   */
  record Snapshot(Set<Integer> localActive, Set<Integer> localStandby, List<GroupHost> hosts,
      Map<Integer, String> activeHost, Map<Integer, List<String>> standbyHosts) {
    /** Before the first assignment: nothing is known, nothing is local. */
    static final Snapshot NONE = new Snapshot(Set.of(), Set.of(), List.of(), Map.of(), Map.of());
  }

  private final int partitions;
  private final String applicationServer;
  private volatile Snapshot current = Snapshot.NONE;

  /**
   * @param partitions the input topics' partition count (the number of key groups)
   * @param applicationServer this instance's published address, empty if none
   */
  HostDirectory(int partitions, String applicationServer) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("A group has at least one key group: " + partitions);
    }
    this.partitions = partitions;
    this.applicationServer = applicationServer;
  }

  /** @return the number of key groups (the input topics' partition count) */
  int partitions() {
    return partitions;
  }

  /**
   * Takes a new assignment.
   *
   * @param assignedHere the key groups assigned to this instance
   * @param info the leader's data with the host map
   */
  void update(Collection<Integer> assignedHere, AssignmentInfo info) {
    Map<Integer, String> active = new HashMap<>();
    Map<Integer, List<String>> standby = new HashMap<>();
    List<GroupHost> hosts = new ArrayList<>();
    for (AssignmentInfo.Host h : info.hosts()) {
      String server = h.applicationServer();
      h.active().forEach(g -> active.put(g, server));
      h.standby().forEach(g -> standby.computeIfAbsent(g, x -> new ArrayList<>()).add(server));
      hosts.add(new GroupHost(server, List.copyOf(new TreeSet<>(h.active())), List.copyOf(new TreeSet<>(h.standby())),
          !applicationServer.isEmpty() && applicationServer.equals(server)));
    }
    standby.replaceAll((g, servers) -> List.copyOf(servers));
    current = new Snapshot(Set.copyOf(assignedHere), Set.copyOf(info.standbys()), List.copyOf(hosts),
        Map.copyOf(active), Map.copyOf(standby));
  }

  /**
   * This instance lost its key groups without a revocation (it was removed from the group):
   * until the next assignment it runs nothing, and the rest of the map is stale.
   */
  void lost() {
    current = Snapshot.NONE;
  }

  /** @return the latest view */
  Snapshot snapshot() {
    return current;
  }

  /**
   * @param keyGroup a key group in {@code [0, partitions)}
   * @return where it lives, as of the latest assignment
   * @throws IllegalArgumentException if {@code keyGroup} is out of range (a partitioner that does
   *     not fit the topics)
   */
  KeyLocation locate(int keyGroup) {
    if (keyGroup < 0 || keyGroup >= partitions) {
      throw new IllegalArgumentException("Key group " + keyGroup + " does not exist: the input topics have "
          + partitions + " partitions (the key partitioner must return a partition in [0, " + partitions + "))");
    }
    Snapshot s = current;
    return new KeyLocation(keyGroup, s.localActive().contains(keyGroup), s.localStandby().contains(keyGroup),
        Optional.ofNullable(s.activeHost().get(keyGroup)), s.standbyHosts().getOrDefault(keyGroup, List.of()));
  }
}
