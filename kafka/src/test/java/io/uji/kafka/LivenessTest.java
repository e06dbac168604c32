package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who is suspected and who fences, on a clock the test moves (nanoseconds; the timeout is 1 000). */
class LivenessTest {
  private static final long TIMEOUT = 1_000;
  private static final Beacon RUNNING = new Beacon(7, Beacon.State.RUNNING, 3);
  private static final Beacon LEAVING = new Beacon(7, Beacon.State.LEAVING, 3);

  private static List<String> ids(List<Liveness.Suspect> suspects) {
    return suspects.stream().map(Liveness.Suspect::instanceId).toList();
  }

  @Test
  void aMemberSilentPastTheTimeoutIsFencedOnceByTheSmallestLiveMember() {
    Liveness a = new Liveness("a", TIMEOUT);
    Liveness b = new Liveness("b", TIMEOUT);
    for (Liveness l : List.of(a, b)) {
      l.heard("a", RUNNING, 0);
      l.heard("b", RUNNING, 0);
      l.heard("c", RUNNING, 0);
      l.heard("a", RUNNING, 900);
      l.heard("b", RUNNING, 900);
    }
    assertEquals(List.of(), ids(a.toFence(1_000)), "silent for exactly the timeout: not yet");
    assertEquals(List.of("c"), ids(a.toFence(1_001)));
    assertEquals(List.of(), ids(b.toFence(1_001)), "b is not the acting member: a is");
    a.fenced("c");
    assertEquals(List.of(), ids(a.toFence(1_500)), "fenced once per silence");
    a.heard("a", RUNNING, 1_600);
    a.heard("b", RUNNING, 1_600);
    a.heard("c", RUNNING, 1_600); // it woke up, or came back
    assertEquals(List.of(), ids(a.toFence(1_700)));
    a.heard("a", RUNNING, 2_500);
    a.heard("b", RUNNING, 2_500);
    assertEquals(List.of("c"), ids(a.toFence(2_601)), "silent again: fenced again");
  }

  @Test
  void theNextLiveMemberActsWhenTheSmallestIsSilentToo() {
    Liveness b = new Liveness("b", TIMEOUT);
    b.heard("a", RUNNING, 0);
    b.heard("c", RUNNING, 0);
    b.heard("b", RUNNING, 1_500);
    assertEquals(Optional.of("b"), b.acting(1_500));
    assertEquals(List.of("a", "c"), ids(b.toFence(1_500)));
  }

  @Test
  void aLeavingMemberIsNeverSuspected() {
    Liveness a = new Liveness("a", TIMEOUT);
    a.heard("b", RUNNING, 0);
    a.heard("b", LEAVING, 100);
    a.heard("a", RUNNING, 5_000);
    assertEquals(List.of(), ids(a.toFence(5_000)));
    assertEquals(List.of("a"), a.members());
  }

  @Test
  void aDetectorWhoseOwnBeaconsDoNotArriveFencesNobody() {
    Liveness a = new Liveness("a", TIMEOUT);
    a.heard("a", RUNNING, 0);
    a.heard("b", RUNNING, 0);
    assertEquals(List.of(), ids(a.toFence(2_000)), "its own beacon is as late as b's: the trouble may be here");
    Liveness never = new Liveness("z", TIMEOUT);
    never.heard("b", RUNNING, 0);
    assertEquals(List.of(), ids(never.toFence(2_000)), "never heard itself");
  }

  @Test
  void aDetectorThatWasNotReadingStartsEverySilenceAgain() {
    Liveness a = new Liveness("a", TIMEOUT);
    a.heard("a", RUNNING, 0);
    a.heard("b", RUNNING, 0);
    a.resumed(5_000); // this process was paused from 0 to 5 000
    a.heard("a", RUNNING, 5_000);
    assertEquals(List.of(), ids(a.toFence(5_500)));
    a.heard("a", RUNNING, 6_000);
    assertEquals(List.of("b"), ids(a.toFence(6_001)));
  }

  @Test
  void aDetectorThatHearsItselfAgainAfterASilenceStartsEverySilenceAgain() {
    Liveness a = new Liveness("a", TIMEOUT);
    a.heard("a", RUNNING, 0);
    a.heard("b", RUNNING, 0);
    a.heard("a", RUNNING, 3_000); // the broker was away: a's own beacons did not arrive either
    assertEquals(List.of(), ids(a.toFence(3_000)), "b's beacons may simply come a little later than a's");
    a.heard("a", RUNNING, 3_900);
    assertEquals(List.of("b"), ids(a.toFence(4_001)));
  }

  @Test
  void aSuspectIsForgottenAfterAMinute() {
    Liveness a = new Liveness("a", TIMEOUT);
    a.heard("b", RUNNING, 0);
    long later = Liveness.FORGET_AFTER_NANOS + 1;
    a.heard("a", RUNNING, later);
    assertEquals(List.of(), ids(a.toFence(later)));
    assertEquals(List.of("a"), a.members());
  }

  @Test
  void aBeaconSurvivesItsEncodingAndForeignValuesAreSkipped() {
    assertEquals(Optional.of(RUNNING), Beacon.decode(RUNNING.encode()));
    assertEquals(Optional.of(LEAVING), Beacon.decode(LEAVING.encode()));
    assertTrue(Beacon.decode(new byte[] {0, 1, 2}).isEmpty());
    assertTrue(Beacon.decode(null).isEmpty());
    byte[] newer = RUNNING.encode();
    newer[1] = 9;
    assertTrue(Beacon.decode(newer).isEmpty());
  }
}
