package io.uji.bench;

import io.uji.streaming.Duration;
import io.uji.streaming.StreamingContext;

/** One benchmark workload: defines its job on a fresh context and checks the result after the run. */
interface Workload {
  /** @return the workload's name in the RESULT line */
  String name();

  /** @return the variant's name in the RESULT line */
  String variant();

  /** @return records (events) the generator produces in all: the run ends when they were processed */
  long events();

  /** @return the K of the RESULT line: users (word count: the vocabulary size) */
  long k();

  /** @return the B of the RESULT line: events per batch */
  long b();

  /**
   * Defines the input and the job on {@code ssc} (not started).
   *
   * @param stateCheckpoint with fault tolerance on, how often the stateful stream is
   *     checkpointed ({@code dstream.checkpoint(...)}); null when off or stateless
   */
  void define(StreamingContext ssc, Duration stateCheckpoint);

  /** @return {@code "ok"} or {@code "FAILED:<reason>"}, computed after the run (not timed) */
  String check();

  /**
   * @return true when throughput is N / (end of the last batch - start of the first), the time
   *     from the first record processed to the last (kafka-session-count, as Kafka Streams is
   *     measured), rather than N / the sum of the batches' processing times
   */
  default boolean throughputOverSpan() {
    return false;
  }

  /** @return extra {@code key=value} pairs for the RESULT line (may be empty) */
  default String extras() {
    return "";
  }
}
