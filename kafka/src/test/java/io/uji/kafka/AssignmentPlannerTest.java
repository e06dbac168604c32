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

  // ------------------------------------------------------------------ standbys (design 8)

  /** The standbys of a round: never the group's active holder, min(k, members - 1) per group, on distinct members. */
  private static void checkStandbys(int p, int k, int eligible, Plan plan) {
    Map<Integer, String> holder = new HashMap<>(plan.intended());
    plan.actives().forEach((id, groups) -> groups.forEach(g -> holder.put(g, id)));
    Map<Integer, Integer> copies = new HashMap<>();
    plan.standbys().forEach((id, groups) -> {
      for (int g : groups) {
        assertTrue(!id.equals(holder.get(g)), "group " + g + "'s standby is on its active holder " + id + ": " + plan);
        copies.merge(g, 1, Integer::sum);
      }
    });
    for (int g = 0; g < p; g++) {
      assertEquals(Math.min(k, eligible - 1), copies.getOrDefault(g, 0), "standbys of group " + g + ": " + plan);
    }
  }

  /** As {@link #afterRound}, the members also holding copies: their actives (position 100) and standbys (90). */
  private static List<Member> afterRoundWithCopies(List<Member> members, Plan plan, int generation) {
    List<Member> next = new ArrayList<>();
    for (Member m : members) {
      Map<Integer, Long> copies = new HashMap<>();
      plan.standbys().get(m.memberId()).forEach(g -> copies.put(g, 90L));
      plan.actives().get(m.memberId()).forEach(g -> copies.put(g, 100L));
      next.add(new Member(m.memberId(), m.instanceId(), m.incarnation(), m.stateSignature(),
          plan.actives().get(m.memberId()), generation, copies));
    }
    return next;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void standbysAreNeverOnTheActivesInstanceAndStayPutWhileNothingChanges(long seed) {
    Random rnd = new Random(seed);
    int p = 1 + rnd.nextInt(24);
    int k = 1 + rnd.nextInt(2);
    List<Member> members = new ArrayList<>();
    int nextId = 0;
    int generation = 0;
    for (int change = 0; change < 8; change++) {
      int joins = rnd.nextInt(3);
      for (int j = 0; j < joins || members.isEmpty(); j++) {
        members.add(member("i" + (nextId++), Set.of(), -1));
      }
      if (members.size() > 1 && rnd.nextBoolean()) {
        members.remove(rnd.nextInt(members.size()));
      }
      Collections.shuffle(members, rnd);
      for (int round = 0; ; round++) {
        Plan plan = AssignmentPlanner.plan(new PlanInput(p, members, Set.of(), k));
        checkRound(p, members, plan);
        checkStandbys(p, k, members.size(), plan);
        Collections.shuffle(members, rnd);
        assertEquals(plan, AssignmentPlanner.plan(new PlanInput(p, members, Set.of(), k)),
            "the order of members does not matter");
        members = afterRoundWithCopies(members, plan, ++generation);
        if (plan.withheld().isEmpty()) {
          checkBalanced(plan);
          Plan again = AssignmentPlanner.plan(new PlanInput(p, members, Set.of(), k));
          assertEquals(plan.actives(), again.actives(), "seed " + seed);
          assertEquals(plan.standbys(), again.standbys(), "standbys are sticky, seed " + seed);
          break;
        }
        assertTrue(round < 2, "settles within two rounds, seed " + seed);
      }
    }
  }

  @Test
  void theGroupsOfAMemberThatDiedGoToTheirStandbys() {
    // a third member ran 4 and 5 and is gone; b keeps the standby of 4, a that of 5 (without the
    // copies, 4 would go to a and 5 to b: see theGroupsOfAMemberThatLeftGoToTheSurvivorsAtOnce)
    List<Member> members = List.of(
        new Member("m-a", "a", 1, 42L, range(0, 2), 3, Map.of(0, 100L, 1, 100L, 5, 95L)),
        new Member("m-b", "b", 2, 42L, range(2, 4), 3, Map.of(2, 100L, 3, 100L, 4, 95L)));
    Plan plan = AssignmentPlanner.plan(new PlanInput(6, members, Set.of(), 1));
    assertTrue(plan.withheld().isEmpty());
    assertEquals(Set.of(0, 1, 5), plan.actives().get("m-a"));
    assertEquals(Set.of(2, 3, 4), plan.actives().get("m-b"));
    assertEquals(Set.of(2, 3, 4), plan.standbys().get("m-a"), "each now keeps the standbys of the other's groups");
    assertEquals(Set.of(0, 1, 5), plan.standbys().get("m-b"));
  }

  @Test
  void anOrphanGoesToItsMostCaughtUpCopy() {
    List<Member> members = List.of(
        new Member("m-a", "a", 1, 42L, Set.of(0), 3, Map.of(0, 100L, 2, 70L)),
        new Member("m-b", "b", 2, 42L, Set.of(1), 3, Map.of(1, 100L, 2, 80L)));
    Plan plan = AssignmentPlanner.plan(new PlanInput(4, members, Set.of(), 1)); // 2 and 3 are orphans
    assertEquals(Set.of(1, 2), plan.actives().get("m-b"), "b's copy of 2 is the furthest: " + plan);
    assertEquals(Set.of(0, 3), plan.actives().get("m-a"));
  }

  @Test
  void theStandbysOfOneMembersGroupsSpreadOverTheOthers() {
    List<Member> members = new ArrayList<>();
    for (String id : List.of("a", "b", "c", "d")) {
      members.add(member(id, Set.of(), -1));
    }
    Plan plan = AssignmentPlanner.plan(new PlanInput(12, members, Set.of(), 1));
    checkStandbys(12, 1, 4, plan);
    for (Member m : members) {
      Set<String> standbyHolders = new TreeSet<>();
      for (int g : plan.actives().get(m.memberId())) {
        plan.standbys().forEach((id, groups) -> {
          if (groups.contains(g)) {
            standbyHolders.add(id);
          }
        });
      }
      assertEquals(3, standbyHolders.size(), m.memberId() + "'s 3 groups have their standbys on 3 others: " + plan);
    }
  }

  @Test
  void aGroupOfOneHasNoStandbysAndNoStandbysIsTheDefault() {
    Plan alone = AssignmentPlanner.plan(new PlanInput(4, List.of(member("a", Set.of(), -1)), Set.of(), 2));
    assertEquals(Set.of(), alone.standbys().get("m-a"));
    Plan none = AssignmentPlanner.plan(new PlanInput(4, List.of(member("a", Set.of(), -1), member("b", Set.of(), -1))));
    assertEquals(Set.of(), none.standbys().get("m-a"));
    assertEquals(Set.of(), none.standbys().get("m-b"));
  }
}
