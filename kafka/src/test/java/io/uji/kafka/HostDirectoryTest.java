package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.KeyLocation;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** HostDirectory: an assignment's host map read as key locations and host listings. */
class HostDirectoryTest {
  private static AssignmentInfo assignment(List<AssignmentInfo.Host> hosts, List<Integer> standbysHere) {
    return new AssignmentInfo(AssignmentInfo.ErrorCode.NONE, 3, standbysHere, List.of(), hosts);
  }

  @Test
  void beforeTheFirstAssignmentNoKeyGroupHasAKnownHostAndNoneIsLocal() {
    HostDirectory d = new HostDirectory(4, "a:1");
    for (int g = 0; g < 4; g++) {
      assertEquals(new KeyLocation(g, false, false, Optional.empty(), List.of()), d.locate(g));
    }
    assertEquals(List.of(), d.snapshot().hosts());
  }

  @Test
  void aKeyGroupLocatesToTheHostThatRunsItAndIsLocalOnlyWhereAssigned() {
    HostDirectory a = new HostDirectory(4, "a:1");
    HostDirectory b = new HostDirectory(4, "b:2");
    AssignmentInfo info = assignment(List.of(new AssignmentInfo.Host("a:1", List.of(2, 0), List.of(1)),
        new AssignmentInfo.Host("b:2", List.of(1, 3), List.of(0))), List.of());
    a.update(Set.of(0, 2), info);
    b.update(Set.of(1, 3), info);

    assertEquals(new KeyLocation(0, true, false, Optional.of("a:1"), List.of("b:2")), a.locate(0));
    assertEquals(new KeyLocation(0, false, false, Optional.of("a:1"), List.of("b:2")), b.locate(0));
    assertEquals(new KeyLocation(1, false, false, Optional.of("b:2"), List.of("a:1")), a.locate(1));
    assertEquals(new KeyLocation(3, true, false, Optional.of("b:2"), List.of()), b.locate(3));
    assertEquals(List.of(new GroupHost("a:1", List.of(0, 2), List.of(1), true),
        new GroupHost("b:2", List.of(1, 3), List.of(0), false)), a.snapshot().hosts());
    assertEquals(List.of(new GroupHost("a:1", List.of(0, 2), List.of(1), false),
        new GroupHost("b:2", List.of(1, 3), List.of(0), true)), b.snapshot().hosts());
  }

  @Test
  void aStandbyHeldHereIsLocalStandby() {
    HostDirectory a = new HostDirectory(2, "a:1");
    a.update(Set.of(0), assignment(List.of(new AssignmentInfo.Host("a:1", List.of(0), List.of(1)),
        new AssignmentInfo.Host("b:2", List.of(1), List.of(0))), List.of(1)));
    assertEquals(new KeyLocation(1, false, true, Optional.of("b:2"), List.of("a:1")), a.locate(1));
  }

  @Test
  void aKeyGroupWithheldDuringAMoveOrRunByAnInstanceWithoutAddressHasNoKnownHost() {
    // group 1 is revoked from its owner first and assigned in the next rebalance: nobody runs it;
    // group 0 runs on this instance, which published no address
    HostDirectory d = new HostDirectory(3, "");
    d.update(Set.of(0), assignment(List.of(new AssignmentInfo.Host("b:2", List.of(2), List.of())), List.of()));
    assertEquals(new KeyLocation(0, true, false, Optional.empty(), List.of()), d.locate(0));
    assertEquals(new KeyLocation(1, false, false, Optional.empty(), List.of()), d.locate(1));
    assertEquals(List.of(new GroupHost("b:2", List.of(2), List.of(), false)), d.snapshot().hosts());
  }

  @Test
  void aLaterAssignmentReplacesTheWholeMapAndASnapshotTakenBeforeStaysAsItWas() {
    HostDirectory a = new HostDirectory(2, "a:1");
    a.update(Set.of(0), assignment(List.of(new AssignmentInfo.Host("a:1", List.of(0), List.of()),
        new AssignmentInfo.Host("b:2", List.of(1), List.of())), List.of()));
    HostDirectory.Snapshot before = a.snapshot();
    a.update(Set.of(0, 1), assignment(List.of(new AssignmentInfo.Host("a:1", List.of(0, 1), List.of())), List.of()));

    assertEquals(new KeyLocation(1, true, false, Optional.of("a:1"), List.of()), a.locate(1));
    assertEquals(List.of(new GroupHost("a:1", List.of(0, 1), List.of(), true)), a.snapshot().hosts());
    assertEquals(Optional.of("b:2"), Optional.ofNullable(before.activeHost().get(1)));
    assertEquals(2, before.hosts().size());
  }

  @Test
  void afterItsGroupsAreLostTheInstanceKnowsNothingUntilItsNextAssignment() {
    HostDirectory a = new HostDirectory(2, "a:1");
    a.update(Set.of(0, 1), assignment(List.of(new AssignmentInfo.Host("a:1", List.of(0, 1), List.of())), List.of()));
    a.lost();
    assertSame(HostDirectory.Snapshot.NONE, a.snapshot());
    assertFalse(a.locate(0).localActive());
    assertTrue(a.locate(0).activeHost().isEmpty());
  }

  @Test
  void aKeyGroupOutsideThePartitionCountIsRefusedNamingTheCount() {
    HostDirectory d = new HostDirectory(4, "a:1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.locate(4));
    assertTrue(e.getMessage().contains("4 partitions"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.locate(-1));
  }
}
