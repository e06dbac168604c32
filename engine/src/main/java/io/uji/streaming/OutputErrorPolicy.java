package io.uji.streaming;

import io.uji.engine.graph.OutputFailurePolicy;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one output operation does when it fails for a batch (given to {@link
 * DStream#foreachBatch(java.util.function.BiConsumer, OutputErrorPolicy)} and the other output
 * operations). The default, {@link #stopContext()}, is what every output operation does without a
 * policy: the batch fails and the context stops.
 *
 * <ul>
 *   <li>{@link #retry(int, Duration)}: run the output operation again for the same batch, up to
 *       that many times, waiting the backoff, then twice as long, ...; then stop the context (a
 *       sink that is down for a moment).
 *   <li>{@link #skip(Consumer)}: give the failure to a handler (dead letters), and go on with the
 *       batch's other output operations and state as if this one had succeeded.
 *   <li>{@code retry(n, backoff).thenSkip(handler)}: both.
 * </ul>
 *
 * <p>Exactly once: retrying re-runs only this output operation, never the keyed state, which is
 * applied once per batch. A failure while the keyed state of the batch is computed (a null key, an
 * exception in an update function) is never retried or skipped, whatever the policy: the state
 * may be partly updated, so the context stops, and with a checkpoint directory the next start
 * replays the batch from the last checkpoint. A skipped output operation of a batch that is later
 * replayed (after a crash) runs again. Errors ({@link Error}, such as running out of memory) always
 * stop the context.
 *
 * <p>Why per output operation rather than per context: whether a failure may be retried or
 * skipped is a property of the sink (is it idempotent, may it miss a batch), and a program
 * commonly has one sink that must never miss a batch and another that may.
 *
 * @param <T> the element type of the stream
 */
public final class OutputErrorPolicy<T> {
  private final int retries;
  private final Duration backoff;
  private final Consumer<FailedOutput<T>> handler;

  private OutputErrorPolicy(int retries, Duration backoff, Consumer<FailedOutput<T>> handler) {
    this.retries = retries;
    this.backoff = backoff;
    this.handler = handler;
  }

  /** @return the default: a failure fails the batch and stops the context */
  public static <T> OutputErrorPolicy<T> stopContext() {
    return new OutputErrorPolicy<>(0, Duration.ofMillis(0), null);
  }

  /**
   * @param retries how many times to run the output operation again after it failed, at least 1
   * @param backoff the wait before the first retry (on the context's clock); each next wait is
   *     twice as long
   * @return a policy that retries, then stops the context if it still fails
   * @throws IllegalArgumentException if {@code retries} is less than 1 or {@code backoff} negative
   */
  public static <T> OutputErrorPolicy<T> retry(int retries, Duration backoff) {
    Objects.requireNonNull(backoff, "backoff");
    if (retries < 1 || backoff.milliseconds() < 0) {
      throw new IllegalArgumentException("retry needs at least 1 retry and a backoff >= 0, got " + retries + " and "
          + backoff);
    }
    return new OutputErrorPolicy<>(retries, backoff, null);
  }

  /** As {@link #retry(int, Duration)}. */
  public static <T> OutputErrorPolicy<T> retry(int retries, java.time.Duration backoff) {
    return retry(retries, Duration.of(backoff));
  }

  /**
   * @param deadLetters gets each failed batch of the output operation; if it throws, the context
   *     stops
   * @return a policy that skips the output operation for a batch where it fails, at once
   */
  public static <T> OutputErrorPolicy<T> skip(Consumer<FailedOutput<T>> deadLetters) {
    return new OutputErrorPolicy<>(0, Duration.ofMillis(0), Objects.requireNonNull(deadLetters, "deadLetters"));
  }

  /**
   * @param deadLetters gets each batch for which the output operation still failed after the
   *     retries; if it throws, the context stops
   * @return this policy's retries, then a skip instead of a stop
   */
  public OutputErrorPolicy<T> thenSkip(Consumer<FailedOutput<T>> deadLetters) {
    return new OutputErrorPolicy<>(retries, backoff, Objects.requireNonNull(deadLetters, "deadLetters"));
  }

  /** @return the policy as the engine runs it */
  OutputFailurePolicy<T> toInternal() {
    return new OutputFailurePolicy<>(retries, backoff.milliseconds(), handler);
  }

  @Override
  public String toString() {
    String r = retries == 0 ? "" : "retry " + retries + " times from " + backoff + ", then ";
    return "OutputErrorPolicy[" + r + (handler == null ? "stop the context" : "skip") + "]";
  }
}
