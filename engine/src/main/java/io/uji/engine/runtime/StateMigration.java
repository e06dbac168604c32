package io.uji.engine.runtime;

import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.state.StateStore;
import io.uji.streaming.StreamingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which state of a checkpoint each stateful operator of the program takes, and what happens to
 * the rest:
 *
 * <ul>
 *   <li>an operator whose id the checkpoint has takes that state;
 *   <li>an operator renamed with {@code .formerly(old)} takes the state recorded under {@code old},
 *       and the state moves to its new id ({@link StateStore#renameTable}: the table is copied,
 *       so checkpoints, column families and metadata all name operators by their current ids);
 *   <li>state for operators the program no longer has is refused, unless the configuration
 *       allows dropping it ({@code allowNonRestoredState}): then its tables are dropped, with a
 *       warning naming each;
 *   <li>an operator the checkpoint has no state for starts empty — when nothing of the checkpoint
 *       is left over (an operator added to the program), or when leftovers are dropped. A
 *       leftover next to an operator without state looks like a rename that was not declared,
 *       so it is refused with the advice that fits: {@code .formerly(...)} for operators the
 *       program named, {@code .name(...)} for those whose ids are derived from their position.
 * </ul>
 */
final class StateMigration {
  private static final Logger LOG = LoggerFactory.getLogger(StateMigration.class);

  /** Checkpoint id to program id, for the renamed operators. */
  private final Map<String, String> renames;
  /** Checkpoint ids of operators the program no longer has, dropped. */
  private final List<String> dropped;
  /** The checkpoint's type signature of each program operator that takes state, by program id. */
  private final Map<String, String> typeSignatures;

  private StateMigration(Map<String, String> renames, List<String> dropped, Map<String, String> typeSignatures) {
    this.renames = renames;
    this.dropped = dropped;
    this.typeSignatures = typeSignatures;
  }

  /** @return the migration of a start without a checkpoint: nothing to move */
  static StateMigration none() {
    return new StateMigration(Map.of(), List.of(), Map.of());
  }

  /**
   * @param recorded the checkpoint's stateful operators
   * @param allowNonRestoredState whether state the program no longer has may be dropped
   * @param where what recorded them ("the checkpoint in /dir"), for messages
   * @throws StreamingException if state would be left over without {@code allowNonRestoredState},
   *     a former id is ambiguous, or an operator's state has another shape
   */
  static StateMigration plan(List<OperatorInfo> recorded, StreamGraph graph, boolean allowNonRestoredState,
      String where) {
    Map<String, OperatorInfo> saved = new LinkedHashMap<>();
    for (OperatorInfo op : recorded) {
      saved.put(op.id(), op);
    }
    Map<String, String> renames = new LinkedHashMap<>();
    Map<String, String> signatures = new HashMap<>();
    List<StatefulNode> withoutState = new ArrayList<>();
    for (StatefulNode s : graph.statefulNodes()) {
      OperatorInfo op = saved.remove(s.stateId());
      if (op == null) {
        op = takeFormer(s, saved, renames);
      }
      if (op == null) {
        withoutState.add(s);
        continue;
      }
      ProgramCheck.sameShape(op, s, where);
      if (op.typeSignature() != null) {
        signatures.put(s.stateId(), op.typeSignature());
      }
    }
    List<String> leftOver = new ArrayList<>(saved.keySet());
    if (!leftOver.isEmpty() && !allowNonRestoredState) {
      throw new StreamingException(refusal(leftOver, withoutState, where));
    }
    for (String id : leftOver) {
      LOG.warn("Dropping the state of the stateful operator '{}' of {}: the program no longer has it and the"
          + " configuration allows dropping state (allowNonRestoredState)", id, where);
    }
    for (StatefulNode s : withoutState) {
      LOG.info("The stateful operator {} has no state in {}: it starts empty", s.describe(), where);
    }
    return new StateMigration(renames, leftOver, signatures);
  }

  /**
   * @return the checkpoint's state recorded under one of {@code s}'s former ids (which the graph
   *     checked to be no other operator's), or null
   */
  private static OperatorInfo takeFormer(StatefulNode s, Map<String, OperatorInfo> saved, Map<String, String> renames) {
    for (String former : s.formerIds()) {
      OperatorInfo op = saved.remove(former);
      if (op != null) {
        renames.put(former, s.stateId());
        return op;
      }
    }
    return null;
  }

  private static String refusal(List<String> leftOver, List<StatefulNode> withoutState, String where) {
    StringBuilder sb = new StringBuilder();
    sb.append(capitalized(where)).append(" has state for the stateful operators ").append(quoted(leftOver))
        .append(" that the program no longer has");
    List<String> named = new ArrayList<>();
    List<String> unnamed = new ArrayList<>();
    for (StatefulNode s : withoutState) {
      (s.named() ? named : unnamed).add(s.stateId());
    }
    if (!withoutState.isEmpty()) {
      sb.append(", and the program's stateful operators ").append(quoted(ids(withoutState)))
          .append(" have no state there");
    }
    sb.append(".");
    if (!named.isEmpty()) {
      sb.append(" If '").append(named.get(0)).append("' was called '").append(leftOver.get(0))
          .append("' before, say so where it is defined: .name(\"").append(named.get(0)).append("\").formerly(\"")
          .append(leftOver.get(0)).append("\").");
    }
    if (!unnamed.isEmpty()) {
      sb.append(" The ids ").append(quoted(unnamed)).append(" are derived from the operators' positions in the")
          .append(" program, which changed: give the stateful operators stable names with .name(...), and")
          .append(" .formerly(...) with the ids of the checkpoint to keep their state.");
    }
    sb.append(" To drop the state of the operators the program no longer has, set")
        .append(" StreamingConfig.builder().allowNonRestoredState(true).");
    return sb.toString();
  }

  private static List<String> ids(List<StatefulNode> nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(s -> out.add(s.stateId()));
    return out;
  }

  private static String quoted(List<String> ids) {
    List<String> q = new ArrayList<>();
    ids.forEach(id -> q.add("'" + id + "'"));
    return String.join(", ", q);
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * Moves the state of renamed operators to their new ids and drops the state of operators the
   * program no longer has, in the store restored from the checkpoint, before any table opens.
   *
   * @param store the restored store, or null without stateful operators
   */
  void applyTo(StateStore store) {
    if (store == null) {
      return;
    }
    renames.forEach((from, to) -> {
      if (store.tableNames().contains(from)) {
        LOG.info("The stateful operator '{}' was formerly '{}': moving its state", to, from);
        store.renameTable(from, to);
      }
    });
    dropped.forEach(store::dropTable);
  }

  /** @return the checkpoint's type signature of the program's operator {@code id}, or null */
  String typeSignature(String id) {
    return typeSignatures.get(id);
  }
}
