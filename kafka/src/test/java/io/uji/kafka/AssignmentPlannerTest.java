package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.kafka.AssignmentPlanner.Member;
import io.uji.kafka.AssignmentPlanner.Plan;
import io.uji.kafka.AssignmentPlanner.PlanInput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AssignmentPlannerTest {
  static List<Long> seeds() {
    List<Long> s = new ArrayList<>();
    for (long i = 1; i <= 200; i++) {
      s.add(i);
    }
    return s;
  }

  private static Member member(String id, Set<Integer> owned, int generation) {
    return new Member("m-" + id, id, id.hashCode(), 42L, owned, generation);
  }

  private static Set<Integer> range(int from, int until) {
    Set<Integer> s = new TreeSet<>();
    for (int g = from; g < until; g++) {
      s.add(g);
    }
    return s;
  }

  /** Every active group once; nobody gets a group another member still owns. */
  private static void checkRound(int p, List<Member> members, Plan plan) {
    Map<Integer, String> holder = new HashMap<>();
    Map<Integer, String> owner = new HashMap<>();
    for (Member m : members) {
      for (int g : m.owned()) {
        owner.merge(g, m.memberId(), (a, b) -> a + "," + b);
      }
    }
    plan.actives().forEach((id, groups) -> {
      for (int g : groups) {
        String before = holder.put(g, id);
        assertEquals(null, before, "group " + g + " assigned to " + before + " and " + id);
        String owners = owner.get(g);
        assertTrue(owners == null || Set.of(owners.split(",")).contains(id),
            "group " + g + " assigned to " + id + " while " + owners + " still owns it");
      }
    });
    Set<Integer> covered = new HashSet<>(holder.keySet());
    covered.addAll(plan.withheld());
    assertEquals(range(0, p), covered, "every group is active or withheld");
    for (int g : plan.withheld()) {
      assertTrue(owner.containsKey(g), "only an owned group is withheld: " + g);
    }
  }

  private static void checkBalanced(Plan plan) {
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (SortedSet<Integer> s : plan.actives().values()) {
      min = Math.min(min, s.size());
      max = Math.max(max, s.size());
    }
    assertTrue(max - min <= 1, "balanced within 1: " + plan.actives());
  }

  /** The members as they are after revoking what the plan took away and taking what it gave. */
  private static List<Member> afterRound(List<Member> members, Plan plan, int generation) {
    List<Member> next = new ArrayList<>();
    for (Member m : members) {
      next.add(new Member(m.memberId(), m.instanceId(), m.incarnation(), m.stateSignature(),
          plan.actives().get(m.memberId()), generation));
    }
    return next;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void roundsOverRandomMembershipChangesKeepEveryGroupWithOneOwnerAndSettleBalanced(long seed) {
    Random rnd = new Random(seed);
    int p = 1 + rnd.nextInt(24);
    List<Member> members = new ArrayList<>();
    int nextId = 0;
    int generation = 0;
    for (int change = 0; change < 8; change++) {
      // a membership change: members join, leave (their groups become orphans) or both
      int joins = rnd.nextInt(3);
      for (int j = 0; j < joins || members.isEmpty(); j++) {
        members.add(member("i" + (nextId++), Set.of(), -1));
      }
      if (members.size() > 1 && rnd.nextBoolean()) {
        members.remove(rnd.nextInt(members.size()));
      }
      Collections.shuffle(members, rnd);
      // rounds until the plan withholds nothing: the moves finish in at most two
      for (int round = 0; ; round++) {
        Plan plan = AssignmentPlanner.plan(new PlanInput(p, members));
        checkRound(p, members, plan);
        Collections.shuffle(members, rnd);
        assertEquals(plan, AssignmentPlanner.plan(new PlanInput(p, members)), "the order of members does not matter");
        members = afterRound(members, plan, ++generation);
        if (plan.withheld().isEmpty()) {
          checkBalanced(plan);
          break;
        }
        assertTrue(round < 2, "settles within two rounds, seed " + seed);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aStableBalancedGroupKeepsEveryAssignment(long seed) {
    Random rnd = new Random(seed);
    int p = 1 + rnd.nextInt(30);
    int m = 1 + rnd.nextInt(6);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      members.add(member("i" + i, Set.of(), -1));
    }
    Plan first = AssignmentPlanner.plan(new PlanInput(p, members));
    members = afterRound(members, first, 1);
    Plan second = AssignmentPlanner.plan(new PlanInput(p, members));
    assertEquals(first.actives(), second.actives());
    assertTrue(second.withheld().isEmpty());
  }

  @Test
  void aJoiningMemberGetsGroupsOnlyAfterTheOwnerRevokedThem() {
    List<Member> members = List.of(member("a", range(0, 6), 1), member("b", Set.of(), -1));
    Plan first = AssignmentPlanner.plan(new PlanInput(6, members));
    assertEquals(range(0, 3), first.actives().get("m-a"), "the owner keeps the lowest groups up to its quota");
    assertEquals(Set.of(), first.actives().get("m-b"));
    assertEquals(range(3, 6), first.withheld());
    assertEquals(Map.of(3, "m-b", 4, "m-b", 5, "m-b"), first.intended());
    Plan second = AssignmentPlanner.plan(new PlanInput(6, afterRound(members, first, 2)));
    assertEquals(range(0, 3), second.actives().get("m-a"));
    assertEquals(range(3, 6), second.actives().get("m-b"));
  }

  @Test
  void theGroupsOfAMemberThatLeftGoToTheSurvivorsAtOnce() {
    // a third member owned 4 and 5 and is gone
    List<Member> members = List.of(member("a", range(0, 2), 3), member("b", range(2, 4), 3));
    Plan plan = AssignmentPlanner.plan(new PlanInput(6, members));
    assertTrue(plan.withheld().isEmpty());
    assertEquals(Set.of(0, 1, 4), plan.actives().get("m-a"), "the orphans, one each");
    assertEquals(Set.of(2, 3, 5), plan.actives().get("m-b"));
  }

  @Test
  void aStaleClaimLosesToTheNewerGeneration() {
    // "a" was paused: it still claims group 0, which "b" got in a later generation
    List<Member> members = List.of(member("a", Set.of(0, 1), 2), member("b", Set.of(0, 2), 5), member("c", Set.of(3), 5));
    Plan plan = AssignmentPlanner.plan(new PlanInput(4, members));
    assertTrue(plan.actives().get("m-b").contains(0), plan.toString());
    assertTrue(!plan.actives().get("m-a").contains(0), plan.toString());
  }

  @Test
  void membersWithAnotherProgramGetNothingAndTheirGroupsAreWithheld() {
    List<Member> members = List.of(
        new Member("m-a", "a", 5, 1L, range(0, 2), 1),
        new Member("m-b", "b", 6, 1L, range(2, 4), 1),
        new Member("m-c", "c", 1, 2L, Set.of(4, 5), 1));
    Plan plan = AssignmentPlanner.plan(new PlanInput(6, members));
    assertEquals(Set.of("m-c"), plan.incompatible());
    assertEquals(Set.of(), plan.actives().get("m-c"));
    assertEquals(Set.of(4, 5), plan.withheld());
  }

  @Test
  void anEvenSplitBetweenProgramsOwningNothingKeepsTheLowestIncarnationsProgram() {
    List<Member> members = List.of(new Member("m-a", "a", 9, 1L, Set.of(), -1), new Member("m-b", "b", 3, 2L, Set.of(), -1));
    assertEquals(Set.of("m-a"), AssignmentPlanner.plan(new PlanInput(2, members)).incompatible());
  }

  @Test
  void anEvenSplitBetweenProgramsKeepsTheProgramThatRuns() {
    List<Member> members = List.of(new Member("m-a", "a", 9, 1L, range(0, 4), 3), new Member("m-b", "b", 3, 2L, Set.of(), -1));
    Plan plan = AssignmentPlanner.plan(new PlanInput(4, members));
    assertEquals(Set.of("m-b"), plan.incompatible(), "the newcomer with another program, whatever its incarnation");
    assertEquals(range(0, 4), plan.actives().get("m-a"));
  }
}
