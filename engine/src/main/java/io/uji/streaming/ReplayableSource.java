package io.uji.streaming;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A source that can read its data again by position: Kafka, Pulsar, Kinesis, a table's change
 * log. Spark's direct Kafka stream, generalized. At each batch time Uji asks the source for its
 * partitions and their readable positions, decides the range each partition contributes
 * (bounded by {@link #maxRatePerPartition()} and by {@link #backpressure() backpressure}: no more
 * than recent batches showed the program can process), writes the ranges into the batch's lineage <em>before</em>
 * the batch runs, and then reads exactly those ranges. The positions are in every checkpoint; a
 * batch replayed after a crash reads the same ranges again. No write-ahead log is needed: with a
 * checkpoint directory, state built from a replayable source is exactly once.
 *
 * <p>Unlike a {@link Receiver}, which is at-least-once unless its source is replayable (a block
 * stored to the write-ahead log whose acknowledgement never reached the source is delivered
 * again by the source), a replayable source never sends anything twice: Uji only ever reads by
 * position.
 *
 * <p>Threads: {@link #partitions()} runs on the context's job generator thread, {@link #read} on
 * worker threads (concurrently for different partitions), {@link #committed} on the batch runner
 * thread. Positions are longs that grow within a partition; a partition is named by a string
 * that must stay the same across restarts (for Kafka, {@code "topic-partition"}).
 *
 * @param <T> the record type
 */
public interface ReplayableSource<T> {
  /**
   * @return what this source reads, in the user's terms (for Kafka the topics and the cluster);
   *     a checkpoint directory remembers it, and a program whose source reads something else is
   *     refused instead of replaying the directory's batches from other data
   */
  String identity();

  /** Called once when the context starts, before any other method: connect. */
  default void start() {}

  /**
   * @return every partition of the source now, each with the positions readable in it (a
   *     partition added since the last call simply appears)
   * @throws SourceUnavailableException if the source cannot be reached now: the batch takes
   *     nothing from it and the next batch asks again (the context keeps running)
   */
  List<SourcePartition> partitions();

  /**
   * @return where to start a partition Uji has never read (default: its first readable
   *     position, i.e. everything retained)
   */
  default long initialPosition(SourcePartition partition) {
    return partition.start();
  }

  /** @return the most records one batch takes from one partition per second of batch interval (0: no limit) */
  default long maxRatePerPartition() {
    return 0;
  }

  /** What {@link #initialRatePerPartition()} returns unless a source says otherwise. */
  long DEFAULT_INITIAL_RATE_PER_PARTITION = 10_000;

  /**
   * Backpressure needs a completed batch to measure the program's rate; until then a batch takes
   * this many records per partition per second of batch interval (Spark's
   * {@code spark.streaming.backpressure.initialRate}), so that a large backlog does not land in
   * one batch. Too low, and a program with a backlog spends its first batches on small ones (each
   * with its fixed cost) while the estimate climbs.
   *
   * @return records per partition per second for the first batches (0: no bound but
   *     {@link #maxRatePerPartition()}); default {@link #DEFAULT_INITIAL_RATE_PER_PARTITION}
   */
  default long initialRatePerPartition() {
    return DEFAULT_INITIAL_RATE_PER_PARTITION;
  }

  /**
   * @return whether batches are bounded by backpressure (default true): no more records than
   *     recent batches show the program processes in a batch interval. Without it a batch takes
   *     everything readable, bounded only by {@link #maxRatePerPartition()}: for reading a backlog
   *     in batches of a size chosen by that limit.
   */
  default boolean backpressure() {
    return true;
  }

  /**
   * Reads the records at positions {@code [from, until)} of a partition, in position order:
   * the same records whenever the same range is asked for. May block and retry while the source
   * is unavailable (the batch waits).
   *
   * @throws SourceDataLostException if records of the range no longer exist (deleted by
   *     retention, say): the batch fails rather than silently skipping them
   */
  List<T> read(String partition, long from, long until);

  /**
   * Reads the records at positions {@code [from, until)} of a partition, in position order, and
   * hands each to {@code sink} as it is read, holding none of them: the same records as
   * {@link #read(String, long, long)}, one by one. Uji uses this form when nothing but one
   * consumer reads the batch's records (a {@code mapToPair → reduceByKey}, say): the records then
   * die as soon as the consumer has taken them instead of living through the batch. A source
   * that reads in chunks (Kafka's polls) should override it; the default reads the range as a
   * list and hands it out.
   *
   * <p>If it throws, the records handed out so far are dropped by Uji (the batch fails, or the
   * whole range is read again): a source need not remember what it handed out.
   *
   * @return how many records it handed to {@code sink}
   * @throws SourceDataLostException as {@link #read(String, long, long)}
   */
  default long read(String partition, long from, long until, Consumer<? super T> sink) {
    List<T> records = read(partition, from, until);
    for (int i = 0, n = records.size(); i < n; i++) {
      sink.accept(records.get(i));
    }
    return records.size();
  }

  /**
   * Every record before these positions was processed by a completed batch. Uji's truth is its
   * checkpoint; this is for the outside world (a Kafka source commits them as its consumer
   * group's offsets, so that lag tools show them).
   *
   * @param next per partition, the position after the last processed record
   */
  default void committed(Map<String, Long> next) {}

  /** Stops: close connections. Must return promptly. */
  default void stop() {}
}
