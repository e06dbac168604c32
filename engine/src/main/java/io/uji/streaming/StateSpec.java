package io.uji.streaming;

import io.uji.engine.state.MapWithStateSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PairDStream#mapWithState} does (Spark's {@code StateSpec}): the mapping function,
 * and optionally an initial state, the partitioning of the state, an idle timeout, the declared
 * key and state types and the operator's name. Configuration methods change this spec and
 * return it, as in Spark.
 *
 * <h2>The mapping function</h2>
 * Called once per record of the batch, in the order of the batch's records for each key, with
 * the record's value and the key's {@link State}; and once with no value and {@link
 * State#isTimingOut()} true for every key that had no data for the timeout. What it returns is
 * the mapped stream's element.
 *
 * <h2>Naming</h2>
 * The state of a stateful operator is stored and checkpointed under its id, by default derived
 * from its position in the program ({@code mapWithState-<node number>}). A program that adds or
 * removes streams before it would then not find its state in an old checkpoint: give every
 * stateful operator a stable {@link #name}. To rename an operator whose state a checkpoint holds,
 * give the new name and the old one: {@code .name("new").formerly("old")}.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <S> state type
 * @param <M> mapped type
 */
public final class StateSpec<K, V, S, M> {
  private final Function3<K, Optional<V>, State<S>, M> function;
  private final Function4<Time, K, Optional<V>, State<S>, Optional<M>> timedFunction;
  private Dataset<Pair<K, S>> initialState;
  private Partitioner partitioner;
  private Duration timeout;
  private Class<K> keyType;
  private Class<S> stateType;
  private String name;
  private List<String> formerIds = List.of();

  private StateSpec(Function3<K, Optional<V>, State<S>, M> function,
      Function4<Time, K, Optional<V>, State<S>, Optional<M>> timedFunction) {
    this.function = function;
    this.timedFunction = timedFunction;
  }

  /** A spec whose function maps every call to one element. */
  public static <K, V, S, M> StateSpec<K, V, S, M> function(Function3<K, Optional<V>, State<S>, M> f) {
    return new StateSpec<>(Objects.requireNonNull(f, "f"), null);
  }

  /**
   * A spec whose function also gets the batch time and maps every call to zero or one element
   * (Spark's variant returning {@code Option}).
   */
  public static <K, V, S, M> StateSpec<K, V, S, M> function(
      Function4<Time, K, Optional<V>, State<S>, Optional<M>> f) {
    return new StateSpec<>(null, Objects.requireNonNull(f, "f"));
  }

  /**
   * The state every key has before the first batch (loaded only on a fresh start, never over
   * restored state). Its keys count as seen at the first batch time for the timeout.
   */
  public StateSpec<K, V, S, M> initialState(Dataset<Pair<K, S>> initial) {
    this.initialState = Objects.requireNonNull(initial, "initial");
    return this;
  }

  /** Hash-partitions the state in {@code n} partitions (default: the context's default parallelism). */
  public StateSpec<K, V, S, M> numPartitions(int n) {
    this.partitioner = new HashPartitioner(n);
    return this;
  }

  /** Partitions the state with {@code p}; it must be deterministic across runs. */
  public StateSpec<K, V, S, M> partitioner(Partitioner p) {
    this.partitioner = Objects.requireNonNull(p, "partitioner");
    return this;
  }

  /**
   * Removes the state of keys without data for {@code idle}: such a key gets one last call with
   * {@link State#isTimingOut()} true in the first batch whose time {@code t} has {@code
   * lastSeen < t - idle} (Spark's rule; Uji makes that call in exactly that batch, Spark only at
   * its next checkpoint).
   */
  public StateSpec<K, V, S, M> timeout(Duration idle) {
    Objects.requireNonNull(idle, "idle");
    if (!idle.isPositive()) {
      throw new IllegalArgumentException("The timeout must be positive, got " + idle);
    }
    this.timeout = idle;
    return this;
  }

  /** As {@link #timeout(Duration)}, the idle time as a {@code java.time.Duration}. */
  public StateSpec<K, V, S, M> timeout(java.time.Duration idle) {
    return timeout(Duration.of(idle));
  }

  /**
   * Declares the exact key and state classes: a restart whose checkpoint holds state of other
   * types is refused at start, naming the operator, and a key or state of another class fails the
   * batch that produces it. A key of a final class is then stored without a class id; the
   * checkpoint records how its keys are stored, so removing the declaration later still reads them.
   */
  public StateSpec<K, V, S, M> types(Class<K> key, Class<S> state) {
    this.keyType = Objects.requireNonNull(key, "key");
    this.stateType = Objects.requireNonNull(state, "state");
    return this;
  }

  /** Gives the operator a stable id (see the class comment); same as naming the mapped stream. */
  public StateSpec<K, V, S, M> name(String id) {
    this.name = Objects.requireNonNull(id, "id");
    return this;
  }

  /**
   * Says which ids the operator had before it was renamed; same as {@link
   * MapWithStateDStream#formerly} on the mapped stream.
   */
  public StateSpec<K, V, S, M> formerly(String... previousIds) {
    this.formerIds = List.of(previousIds);
    return this;
  }

  /** @return what the mapWithState operator needs of this spec */
  MapWithStateSpec<K, V, S, M> toInternal() {
    return new MapWithStateSpec<>(function, timedFunction, initialState, partitioner, timeout, keyType, stateType,
        name, formerIds);
  }
}
