package io.uji.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which member runs which key group: the whole logic of {@link UjiAssignor}, a pure function
 * tested without Kafka (design: docs/design/scale-out.md 5.2, actives and withholding).
 *
 * <p>A key group is an input partition number, in [0, P): group g is partition g of every input
 * topic. The plan, in order:
 *
 * <ol>
 *   <li><b>Compatibility.</b> Members whose state signature differs from the largest agreeing set
 *       get nothing and are reported incompatible. Ties go to the set that owns the most groups
 *       (the program running keeps running when one instance of another program joins), then to
 *       the set with the lowest incarnation.
 *   <li><b>Owners.</b> Each group's owner is the member claiming it with the highest owned
 *       generation (ties: the lowest instance id): a member back from a pause may claim groups it
 *       lost since, and the newer claim wins, as in Kafka's {@code CooperativeStickyAssignor}.
 *   <li><b>Quotas.</b> M compatible members share P groups: {@code P % M} of them get {@code
 *       ceil(P/M)}, the others {@code floor(P/M)}; the larger quotas go to the members that own
 *       the most (so as little moves as possible), ties by instance id.
 *   <li><b>Sticky.</b> Each member keeps up to its quota of the groups it owns (the lowest
 *       numbers); the rest are freed. Freed and orphaned groups go, in increasing order, to the
 *       member furthest below its quota (ties by instance id).
 *   <li><b>Cooperative withholding.</b> A group whose owner is alive (a member of this round,
 *       compatible or not) and is not its new holder is assigned to nobody this round: the owner
 *       sees it revoked, commits and rejoins, and the next round (where nobody owns it) assigns it.
 *       Kafka's consumer refuses a cooperative assignment that moves a partition directly.
 *   <li><b>Promotion.</b> In step 4 a group without an owner (its instance left or died) goes
 *       first to the member below its quota that holds the most caught-up copy of it (a standby,
 *       design 8: the highest changelog position sum), so that it restores only the tail.
 *   <li><b>Standbys</b> ({@code standbyReplicas} k, design 8). Each group gets up to k standby
 *       members, never its active holder (the new holder, or the intended one of a withheld group)
 *       and never twice the same member. Members holding a copy keep it (the most caught-up first)
 *       while under their standby quota {@code ceil(P*k/M)}; the rest go to the member with the
 *       fewest standbys of the same active holder (one failure then spreads its groups over
 *       several standbys), then the fewest standbys, then the instance id.
 * </ol>
 *
 * <p>The plan depends only on the input's contents, never on the members' order, so every leader
 * computes the same one.
 */
final class AssignmentPlanner {
  private AssignmentPlanner() {}

  /**
   * A member of the group as its subscription describes it.
   *
   * @param memberId Kafka's member id (the key of the assignment)
   * @param instanceId the instance id (static membership), the tie breaker
   * @param incarnation random per process start
   * @param stateSignature hash of the program's stateful operators and P
   * @param owned the groups the member owns now (its owned partitions)
   * @param ownedGeneration the generation in which it got {@code owned}, -1 if unknown
   * @param copies per group it holds a local copy of (owned, standby or dormant), the sum over
   *     operators of the copy's changelog position: a higher sum is a more caught-up copy
   */
  record Member(String memberId, String instanceId, long incarnation, long stateSignature, Set<Integer> owned,
      int ownedGeneration, Map<Integer, Long> copies) {
    Member {
      Objects.requireNonNull(memberId, "memberId");
      Objects.requireNonNull(instanceId, "instanceId");
      owned = Set.copyOf(owned);
      copies = Map.copyOf(copies);
    }

    Member(String memberId, String instanceId, long incarnation, long stateSignature, Set<Integer> owned,
        int ownedGeneration) {
      this(memberId, instanceId, incarnation, stateSignature, owned, ownedGeneration, Map.of());
    }
  }

  /**
   * @param groups P, the number of key groups (input partitions)
   * @param members every member of this round, in any order, member ids distinct
   * @param excluded member ids that get nothing whatever their program (their subscription could
   *     not be read); what they own still counts, so it is withheld until they revoke it
   * @param standbyReplicas k, the standby copies wanted per group (fewer when there are fewer
   *     other members)
   */
  record PlanInput(int groups, List<Member> members, Set<String> excluded, int standbyReplicas) {
    PlanInput {
      if (groups < 1) {
        throw new IllegalArgumentException("a group needs at least one partition: " + groups);
      }
      if (standbyReplicas < 0) {
        throw new IllegalArgumentException("standbyReplicas must be >= 0: " + standbyReplicas);
      }
      members = List.copyOf(members);
      excluded = Set.copyOf(excluded);
    }

    PlanInput(int groups, List<Member> members, Set<String> excluded) {
      this(groups, members, excluded, 0);
    }

    PlanInput(int groups, List<Member> members) {
      this(groups, members, Set.of());
    }
  }

  /**
   * @param actives per member id, the groups it runs from this round (every member present, maybe
   *     empty)
   * @param withheld groups assigned to nobody this round because their owner must revoke them
   *     first; they move to {@code intended} in the next round
   * @param intended per withheld group, the member id meant to get it
   * @param incompatible member ids whose program differs from the group's (they get nothing)
   * @param standbys per member id, the groups it keeps a standby copy of (every member present,
   *     maybe empty)
   */
  record Plan(Map<String, SortedSet<Integer>> actives, SortedSet<Integer> withheld, Map<Integer, String> intended,
      Set<String> incompatible, Map<String, SortedSet<Integer>> standbys) {}

  private static final Comparator<Member> BY_INSTANCE =
      Comparator.comparing(Member::instanceId).thenComparing(Member::memberId);
  private static final Comparator<Member> OLDEST =
      Comparator.comparingLong(Member::incarnation).thenComparing(BY_INSTANCE);

  static Plan plan(PlanInput input) {
    final int p = input.groups();
    List<Member> members = new ArrayList<>(input.members());
    members.sort(BY_INSTANCE);
    List<Member> readable = new ArrayList<>();
    for (Member m : members) {
      if (!input.excluded().contains(m.memberId())) {
        readable.add(m);
      }
    }
    Set<String> incompatible = incompatible(readable);
    List<Member> eligible = new ArrayList<>();
    for (Member m : readable) {
      if (!incompatible.contains(m.memberId())) {
        eligible.add(m);
      }
    }
    // 2. owners: the highest generation's claim, ties by instance id (members are sorted).
    String[] owner = new String[p];
    int[] ownerGeneration = new int[p];
    for (Member m : members) {
      for (int g : m.owned()) {
        if (g >= 0 && g < p && (owner[g] == null || m.ownedGeneration() > ownerGeneration[g])) {
          owner[g] = m.memberId();
          ownerGeneration[g] = m.ownedGeneration();
        }
      }
    }
    Map<String, SortedSet<Integer>> owns = new HashMap<>();
    for (Member m : members) {
      owns.put(m.memberId(), new TreeSet<>());
    }
    for (int g = 0; g < p; g++) {
      if (owner[g] != null) {
        owns.get(owner[g]).add(g);
      }
    }
    Map<String, SortedSet<Integer>> target = new LinkedHashMap<>();
    for (Member m : members) {
      target.put(m.memberId(), new TreeSet<>());
    }
    SortedSet<Integer> withheld = new TreeSet<>();
    Map<Integer, String> intended = new TreeMap<>();
    if (eligible.isEmpty()) {
      return new Plan(unmodifiable(target), Collections.unmodifiableSortedSet(withheld), Map.of(), incompatible,
          unmodifiable(emptySets(members)));
    }
    // 3. quotas: the larger ones to the members owning the most.
    Map<String, Integer> quota = quotas(p, eligible, owns);
    // 4. sticky, then freed and orphaned groups to the member furthest below its quota.
    boolean[] placed = new boolean[p];
    for (Member m : eligible) {
      SortedSet<Integer> keep = target.get(m.memberId());
      for (int g : owns.get(m.memberId())) {
        if (keep.size() == quota.get(m.memberId())) {
          break;
        }
        keep.add(g);
        placed[g] = true;
      }
    }
    // promotion: an orphaned group to the member below its quota with the most caught-up copy
    for (int g = 0; g < p; g++) {
      if (!placed[g] && owner[g] == null) {
        Member best = null;
        long bestCopy = -1;
        for (Member m : eligible) {
          Long copy = m.copies().get(g);
          if (copy != null && copy > bestCopy && quota.get(m.memberId()) > target.get(m.memberId()).size()) {
            best = m;
            bestCopy = copy;
          }
        }
        if (best != null) {
          target.get(best.memberId()).add(g);
          placed[g] = true;
        }
      }
    }
    for (int g = 0; g < p; g++) {
      if (!placed[g]) {
        Member best = null;
        int bestDeficit = 0;
        for (Member m : eligible) {
          int deficit = quota.get(m.memberId()) - target.get(m.memberId()).size();
          if (deficit > bestDeficit) {
            best = m;
            bestDeficit = deficit;
          }
        }
        target.get(best.memberId()).add(g); // the quotas sum to P: someone has room
      }
    }
    String[] holder = new String[p];
    target.forEach((id, groups) -> groups.forEach(g -> holder[g] = id));
    // 5. withholding: a live owner other than the new holder revokes first.
    for (Map.Entry<String, SortedSet<Integer>> e : target.entrySet()) {
      for (var it = e.getValue().iterator(); it.hasNext(); ) {
        int g = it.next();
        if (owner[g] != null && !owner[g].equals(e.getKey())) {
          it.remove();
          withheld.add(g);
          intended.put(g, e.getKey());
        }
      }
    }
    Map<String, SortedSet<Integer>> standbys = standbys(p, input.standbyReplicas(), eligible, members, holder);
    return new Plan(unmodifiable(target), Collections.unmodifiableSortedSet(withheld),
        Collections.unmodifiableMap(intended), incompatible, unmodifiable(standbys));
  }

  /** Step 6: up to k standbys per group, never on its holder (the new one, withheld or not). */
  private static Map<String, SortedSet<Integer>> standbys(int p, int k, List<Member> eligible, List<Member> members,
      String[] holder) {
    Map<String, SortedSet<Integer>> out = emptySets(members);
    int copies = Math.min(k, eligible.size() - 1);
    if (copies <= 0) {
      return out;
    }
    int quota = (p * copies + eligible.size() - 1) / eligible.size();
    Map<String, Map<String, Integer>> perActive = new HashMap<>(); // member -> active holder -> standbys
    for (int g = 0; g < p; g++) {
      Set<String> chosen = new java.util.HashSet<>();
      chosen.add(holder[g]);
      // sticky: the copies already here, the most caught-up first, while under the quota
      List<Member> holding = new ArrayList<>();
      for (Member m : eligible) {
        if (m.copies().containsKey(g) && !chosen.contains(m.memberId())) {
          holding.add(m);
        }
      }
      final int group = g;
      holding.sort(Comparator.comparingLong((Member m) -> -m.copies().get(group)).thenComparing(BY_INSTANCE));
      for (Member m : holding) {
        if (chosen.size() > copies) {
          break;
        }
        if (out.get(m.memberId()).size() < quota) {
          chosen.add(m.memberId());
        }
      }
      while (chosen.size() <= copies) {
        Member best = null;
        for (Member m : eligible) {
          if (chosen.contains(m.memberId())) {
            continue;
          }
          if (best == null || betterStandby(m, best, out, perActive, holder[g], quota)) {
            best = m;
          }
        }
        chosen.add(best.memberId()); // there are more eligible members than copies + 1
      }
      chosen.remove(holder[g]);
      for (String id : chosen) {
        out.get(id).add(g);
        perActive.computeIfAbsent(id, x -> new HashMap<>()).merge(holder[g], 1, Integer::sum);
      }
    }
    return out;
  }

  /** @return whether {@code a} is a better new standby than {@code b} for a group held by {@code active} */
  private static boolean betterStandby(Member a, Member b, Map<String, SortedSet<Integer>> out,
      Map<String, Map<String, Integer>> perActive, String active, int quota) {
    boolean aFull = out.get(a.memberId()).size() >= quota;
    boolean bFull = out.get(b.memberId()).size() >= quota;
    if (aFull != bFull) {
      return bFull;
    }
    int aSame = perActive.getOrDefault(a.memberId(), Map.of()).getOrDefault(active, 0);
    int bSame = perActive.getOrDefault(b.memberId(), Map.of()).getOrDefault(active, 0);
    if (aSame != bSame) {
      return aSame < bSame;
    }
    int aAll = out.get(a.memberId()).size();
    int bAll = out.get(b.memberId()).size();
    if (aAll != bAll) {
      return aAll < bAll;
    }
    return BY_INSTANCE.compare(a, b) < 0;
  }

  private static Map<String, SortedSet<Integer>> emptySets(List<Member> members) {
    Map<String, SortedSet<Integer>> out = new LinkedHashMap<>();
    for (Member m : members) {
      out.put(m.memberId(), new TreeSet<>());
    }
    return out;
  }

  /** @return the member ids outside the largest set agreeing on the state signature */
  private static Set<String> incompatible(List<Member> members) {
    Map<Long, List<Member>> bySignature = new HashMap<>();
    for (Member m : members) {
      bySignature.computeIfAbsent(m.stateSignature(), s -> new ArrayList<>()).add(m);
    }
    if (bySignature.size() <= 1) {
      return Set.of();
    }
    List<Member> chosen = null;
    for (List<Member> set : bySignature.values()) {
      if (chosen == null || set.size() > chosen.size()
          || set.size() == chosen.size() && (owned(set) > owned(chosen) || owned(set) == owned(chosen)
              && OLDEST.compare(Collections.min(set, OLDEST), Collections.min(chosen, OLDEST)) < 0)) {
        chosen = set;
      }
    }
    Set<String> out = new TreeSet<>();
    for (Member m : members) {
      if (!chosen.contains(m)) {
        out.add(m.memberId());
      }
    }
    return Collections.unmodifiableSet(out);
  }

  private static int owned(List<Member> set) {
    int n = 0;
    for (Member m : set) {
      n += m.owned().size();
    }
    return n;
  }

  private static Map<String, Integer> quotas(int p, List<Member> eligible, Map<String, SortedSet<Integer>> owns) {
    int m = eligible.size();
    List<Member> byOwned = new ArrayList<>(eligible);
    byOwned.sort(Comparator.comparingInt((Member x) -> -owns.get(x.memberId()).size()).thenComparing(BY_INSTANCE));
    Map<String, Integer> quota = new HashMap<>();
    for (int i = 0; i < m; i++) {
      quota.put(byOwned.get(i).memberId(), p / m + (i < p % m ? 1 : 0));
    }
    return quota;
  }

  private static Map<String, SortedSet<Integer>> unmodifiable(Map<String, SortedSet<Integer>> m) {
    Map<String, SortedSet<Integer>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, Collections.unmodifiableSortedSet(v)));
    return Collections.unmodifiableMap(out);
  }
}
