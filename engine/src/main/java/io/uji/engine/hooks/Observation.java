package io.uji.engine.hooks;

import io.uji.engine.access.SharedSecrets;
import io.uji.streaming.StreamingContext;

/** How an optional module reaches a context's internals: its view, and observing it. */
public final class Observation {
  private Observation() {}

  /** @return a live view of {@code ssc} */
  public static ContextView view(StreamingContext ssc) {
    return SharedSecrets.streaming().view(ssc);
  }

  /**
   * Attaches {@code observer} to {@code ssc}: it receives the reports of its next start.
   *
   * @throws IllegalStateException if the context was started already
   */
  public static void observe(StreamingContext ssc, EngineObserver observer) {
    SharedSecrets.streaming().observe(ssc, observer);
  }
}
