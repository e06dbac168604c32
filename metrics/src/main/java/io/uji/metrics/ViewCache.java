package io.uji.metrics;

import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.InputView;
import io.uji.engine.hooks.StateView;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The context's figures for the gauges of one scrape: a scrape reads a dozen gauges per
 * operator, and each figure set costs RocksDB property reads, so they are read at most once per
 * {@link #MAX_AGE_NANOS}. Read only when a registry asks (a scrape), never on the engine's paths.
 */
final class ViewCache {
  private static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final ContextView view;
  private List<StateView> states;
  private long statesAt;
  private List<InputView> inputs;
  private long inputsAt;
  private long nativeMemory;
  private long nativeMemoryAt;

  ViewCache(ContextView view) {
    this.view = view;
  }

  synchronized StateView state(int i) {
    long now = System.nanoTime();
    if (states == null || now - statesAt > MAX_AGE_NANOS) {
      states = view.states();
      statesAt = now;
    }
    return states.get(i);
  }

  synchronized InputView input(int i) {
    long now = System.nanoTime();
    if (inputs == null || now - inputsAt > MAX_AGE_NANOS) {
      inputs = view.inputs();
      inputsAt = now;
    }
    return inputs.get(i);
  }

  synchronized long nativeMemory() {
    long now = System.nanoTime();
    if (nativeMemoryAt == 0 || now - nativeMemoryAt > MAX_AGE_NANOS) {
      nativeMemory = view.stateNativeMemoryBytes();
      nativeMemoryAt = now;
    }
    return nativeMemory;
  }
}
