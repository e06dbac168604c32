package io.uji.engine.graph;

import io.uji.streaming.FailedOutput;
import java.util.function.Consumer;

/**
 * What an output operation does when it fails for a batch, as the scheduler reads it (the
 * public {@code OutputErrorPolicy} has no getters: they would only be for the engine).
 *
 * @param retries runs after the first failure, 0 for none
 * @param backoffMs the wait before the first retry, doubled before each next one
 * @param skipTo where a failure goes when the retries did not help, or null to stop the context
 * @param <T> the element type
 */
public record OutputFailurePolicy<T>(int retries, long backoffMs, Consumer<FailedOutput<T>> skipTo) {
  /** The default: no retry, stop the context. */
  public static <T> OutputFailurePolicy<T> stop() {
    return new OutputFailurePolicy<>(0, 0, null);
  }

  /** @return the wait before retry number {@code retry} (1, 2, ...): the backoff doubled each time */
  public long backoffBefore(int retry) {
    long factor = 1L << Math.min(30, retry - 1);
    return backoffMs > Long.MAX_VALUE / factor ? Long.MAX_VALUE : backoffMs * factor;
  }
}
