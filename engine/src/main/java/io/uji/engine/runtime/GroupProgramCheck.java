package io.uji.engine.runtime;

import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.Node;
import io.uji.engine.graph.Placement;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.input.KeyedReplayableInputNode;
import io.uji.engine.ops.ReducedWindowNode;
import io.uji.engine.ops.WindowNode;
import io.uji.engine.state.KeyedStateNode;
import io.uji.streaming.StreamingException;
import java.util.regex.Pattern;

/**
 * What a program run in a group may not do, checked over the graph when it starts, before anything
 * is read (docs/design/scale-out.md section 2.4): the mistake shows on a developer's laptop with
 * one instance, where a check at run time would pass (one instance owns every key group). Each
 * refusal is one {@link StreamingException} naming the operator or input and what to do. Beyond
 * the design, refused: an initial state.
 */
public final class GroupProgramCheck {
  /** Kafka's longest topic name. */
  static final int MAX_TOPIC_NAME = 249;
  /** The characters Kafka allows in a topic name. */
  private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");

  private GroupProgramCheck() {}

  /**
   * @param graph the program
   * @param applicationId the group's application id (prefix of the changelog topics)
   * @throws StreamingException naming the first thing refused
   */
  public static void check(StreamGraph graph, String applicationId) {
    Placement keyed = inputs(graph);
    for (Node<?> n : graph.nodes()) {
      if (n instanceof WindowNode<?> || n instanceof ReducedWindowNode<?, ?>) {
        throw new StreamingException("A window operator (" + n + ") cannot run in a group: its contents live in"
            + " remembered batches, not in keyed state, and would not move with an input partition to another"
            + " instance. Keep what the window computes in mapWithState (with a timeout to expire it)");
      }
    }
    for (StatefulNode s : graph.statefulNodes()) {
      stateful(graph, s, keyed, applicationId);
    }
  }

  /** @return the keyed input's placement, after checking that it is the only kind of input */
  private static Placement inputs(StreamGraph graph) {
    Placement keyed = null;
    for (InputNode<?, ?, ?> in : graph.inputs()) {
      if (!(in instanceof KeyedReplayableInputNode<?> k)) {
        throw new StreamingException("The input '" + in.name() + "' (" + in.kind() + " " + in.identity() + ") cannot"
            + " be read in a group: only the group's keyed stream is split among its instances, any other input"
            + " would be read by every instance. Read it with group.keyedStream(...) or in a program of its own");
      }
      if (keyed != null && !keyed.equals(k.placement())) {
        throw new StreamingException("The program reads two groups' keyed streams, " + keyed.source() + " and "
            + k.placement().source() + ": one program runs in one group; use one KafkaGroup with all the"
            + " (co-partitioned) topics");
      }
      keyed = k.placement();
    }
    if (keyed == null) {
      throw new StreamingException("A program run in a group reads the group's keyed stream (group.keyedStream(...))"
          + " and nothing else; this one has no input");
    }
    return keyed;
  }

  private static void stateful(StreamGraph graph, StatefulNode s, Placement keyed, String applicationId) {
    String site = graph.callSite(s);
    String what = s.describe() + (site == null ? "" : " (" + site + ")");
    if (!s.named()) {
      throw new StreamingException(what + " has no name: in a group its name names its changelog topic, which must"
          + " not change when the program changes; name it with .name(...)");
    }
    if (!s.formerIds().isEmpty()) {
      throw new StreamingException(what + " says it was formerly " + s.formerIds() + ": in a group a stateful"
          + " operator's state is in a changelog topic named after it, and a topic cannot be renamed; a new name"
          + " needs new state (a new application id), or keep the old name");
    }
    String topic = applicationId + "-" + s.stateId() + "-changelog";
    if (!TOPIC_CHARS.matcher(s.stateId()).matches() || !TOPIC_CHARS.matcher(applicationId).matches()) {
      throw new StreamingException(what + ": its changelog topic '" + topic + "' would have characters Kafka does"
          + " not allow in a topic name (only a-z, A-Z, 0-9, '.', '_' and '-'); rename the operator or the"
          + " application");
    }
    if (topic.length() > MAX_TOPIC_NAME) {
      throw new StreamingException(what + ": its changelog topic '" + topic + "' is " + topic.length()
          + " characters long, over Kafka's " + MAX_TOPIC_NAME + "; give the operator or the application a shorter"
          + " name");
    }
    if (!(s.node() instanceof KeyedStateNode<?, ?, ?, ?, ?> k)) {
      throw new StreamingException(what + " is not a keyed state operator a group can move");
    }
    if (!k.inputPlacement().equals(keyed)) {
      throw new StreamingException(what + " is keyed differently from its input '" + keyed.source() + "': in a"
          + " group the state of a key lives with the input partition its records come from. Key the input with"
          + " group.keyedStream(...) and keep the key with mapValues/flatMapValues/filter/reduceByKey, or write the"
          + " re-keyed stream to a topic keyed by the new key (group.sink) and read that topic in a program of its"
          + " own");
    }
    if (k.hasInitialState()) {
      throw new StreamingException(what + " has an initial state: in a group a key's state lives with the input"
          + " partition its records come from, which an initial state's keys do not tell. Write the initial"
          + " state into the input topic instead");
    }
  }
}
