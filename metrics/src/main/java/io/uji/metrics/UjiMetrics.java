package io.uji.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.uji.engine.hooks.Observation;
import io.uji.streaming.StreamingContext;
import java.util.Objects;

/**
 * Micrometer meters for one {@link StreamingContext}. Bind before starting it:
 *
 * <pre>{@code
 * StreamingContext ssc = ...;                      // define the program
 * UjiMetrics metrics = UjiMetrics.bind(ssc, registry);
 * ssc.start();
 * }</pre>
 *
 * <p>A context that is not bound records nothing and pays nothing: the engine builds its
 * write-ahead logs without timing decorators and reports no batches (no allocation, no clock
 * read). Why a binder rather than a {@code MeterRegistry} in {@code StreamingConfig}: the public
 * API names no type outside itself and the JDK, so that the engine never needs Micrometer on the
 * class path; this module attaches through the engine's internal hook ({@code
 * io.uji.engine.hooks}).
 *
 * <p>Every meter has the tag {@code context} (the context's name, {@code uji-1}); per input
 * {@code input}, per stateful operator {@code operator}. Names follow Micrometer's conventions
 * (dot-separated, base units: seconds, bytes); the registry renders them for its backend
 * ({@code uji_batch_processing_seconds} in Prometheus). See the module README for the list.
 *
 * <p>The meters stay after the context stops (with their last figures) until {@link #close()}
 * removes them.
 */
public final class UjiMetrics implements AutoCloseable {
  private final MetricsObserver observer;

  private UjiMetrics(MetricsObserver observer) {
    this.observer = observer;
  }

  /**
   * Records {@code ssc}'s meters in {@code registry} from its next start on.
   *
   * @return the binding, to remove the meters with {@link #close()}
   * @throws IllegalStateException if the context was started already
   */
  public static UjiMetrics bind(StreamingContext ssc, MeterRegistry registry) {
    Objects.requireNonNull(ssc, "ssc");
    Objects.requireNonNull(registry, "registry");
    MetricsObserver observer = new MetricsObserver(registry, Observation.view(ssc));
    Observation.observe(ssc, observer);
    return new UjiMetrics(observer);
  }

  /** Removes every meter this binding registered; later reports of the context are dropped. */
  @Override
  public void close() {
    observer.close();
  }
}
