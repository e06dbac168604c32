package io.uji.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link FailureDetector} knows of the group's members (design 10), with the time given by
 * the caller (the local monotonic clock: no clock is compared across machines): per instance that
 * beaconed, when its last beacon arrived. One thread only.
 *
 * <p>A member silent for longer than the timeout is suspected. Only the <i>acting</i> member, the
 * smallest instance id among those not suspected, fences suspects, each once per silence. Two
 * guards keep a detector that cannot see from blaming the others: it acts only while its own
 * beacons arrive (if they do not, the broker or this machine is the trouble), and a detector that
 * was itself not reading for a while ({@link #resumed}: a pause, a starved thread), or did not
 * hear itself for longer than the timeout, starts every member's silence again.
 */
final class Liveness {
  /** A suspect is forgotten after this long (Kafka's session timeout has dropped it by then). */
  static final long FORGET_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final String self;
  private final long timeoutNanos;
  private final Map<String, Member> members = new TreeMap<>();

  private static final class Member {
    long lastNanos;
    Beacon last;
    boolean fenced;
  }

  /** A member to fence: who, and what it last said. */
  record Suspect(String instanceId, Beacon last, long silentNanos) {}

  Liveness(String self, long timeoutNanos) {
    this.self = self;
    this.timeoutNanos = timeoutNanos;
  }

  /** A beacon of {@code instanceId} arrived at {@code now}. */
  void heard(String instanceId, Beacon beacon, long now) {
    if (beacon.state() == Beacon.State.LEAVING) {
      members.remove(instanceId); // it leaves the group itself; a restart beacons again
      return;
    }
    if (instanceId.equals(self) && suspected(self, now)) {
      resumed(now); // this detector could not see (the broker away, this machine starved): nobody's silence counts from before
    }
    Member m = members.computeIfAbsent(instanceId, id -> new Member());
    m.lastNanos = now;
    m.last = beacon;
    m.fenced = false;
  }

  /** This detector did not read for a while until {@code now}: nobody's silence counts from before. */
  void resumed(long now) {
    members.values().forEach(m -> m.lastNanos = Math.max(m.lastNanos, now));
  }

  boolean suspected(String instanceId, long now) {
    Member m = members.get(instanceId);
    return m != null && now - m.lastNanos > timeoutNanos;
  }

  /** @return the acting member: the smallest instance id not suspected, if any beaconed */
  Optional<String> acting(long now) {
    return members.keySet().stream().filter(id -> !suspected(id, now)).findFirst();
  }

  /**
   * @return the suspects this member must fence now: none unless it is the acting member and its
   *     own beacons arrive; each suspect once per silence ({@link #fenced})
   */
  List<Suspect> toFence(long now) {
    members.entrySet().removeIf(e -> now - e.getValue().lastNanos > FORGET_AFTER_NANOS);
    List<Suspect> out = new ArrayList<>();
    if (!members.containsKey(self) || suspected(self, now) || !acting(now).equals(Optional.of(self))) {
      return out;
    }
    members.forEach((id, m) -> {
      if (!m.fenced && suspected(id, now)) {
        out.add(new Suspect(id, m.last, now - m.lastNanos));
      }
    });
    return out;
  }

  /** {@code instanceId} was fenced: not again until it beacons again. */
  void fenced(String instanceId) {
    Member m = members.get(instanceId);
    if (m != null) {
      m.fenced = true;
    }
  }

  /** @return the instances heard from and not forgotten (for tests and logs) */
  List<String> members() {
    return List.copyOf(members.keySet());
  }
}
