package io.uji.engine.hooks;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts several observers behind one; an observer that throws is logged and keeps observing. */
public final class EngineObservers {
  private static final Logger LOG = LoggerFactory.getLogger(EngineObservers.class);

  private EngineObservers() {}

  /**
   * @return {@link EngineObserver#NONE} for none (so that the engine skips reporting), the
   *     observer itself for one, else one that tells each in order
   */
  public static EngineObserver compose(List<EngineObserver> observers) {
    if (observers.isEmpty()) {
      return EngineObserver.NONE;
    }
    return new Guarded(List.copyOf(observers));
  }

  /** Tells each observer in turn; one that throws does not keep the others from hearing. */
  private record Guarded(List<EngineObserver> all) implements EngineObserver {
    private void each(String what, java.util.function.Consumer<EngineObserver> call) {
      for (EngineObserver o : all) {
        try {
          call.accept(o);
        } catch (RuntimeException e) {
          LOG.warn("Observer {} threw on {}; it keeps observing", o, what, e);
        }
      }
    }

    @Override
    public void started(ContextView view) {
      each("started", o -> o.started(view));
    }

    @Override
    public void batchCompleted(BatchReport report) {
      each("batchCompleted", o -> o.batchCompleted(report));
    }

    @Override
    public void checkpointCompleted(CheckpointReport report) {
      each("checkpointCompleted", o -> o.checkpointCompleted(report));
    }

    @Override
    public void recovered(RecoveryReport report) {
      each("recovered", o -> o.recovered(report));
    }

    @Override
    public void walAppended(int input, long nanos) {
      for (EngineObserver o : all) { // the receiver's path: no lambda per call
        try {
          o.walAppended(input, nanos);
        } catch (RuntimeException e) {
          LOG.warn("Observer {} threw on walAppended; it keeps observing", o, e);
        }
      }
    }

    @Override
    public void walWritten(int input, int bytes) {
      for (EngineObserver o : all) {
        try {
          o.walWritten(input, bytes);
        } catch (RuntimeException e) {
          LOG.warn("Observer {} threw on walWritten; it keeps observing", o, e);
        }
      }
    }

    @Override
    public void walForced(int input, long nanos) {
      for (EngineObserver o : all) {
        try {
          o.walForced(input, nanos);
        } catch (RuntimeException e) {
          LOG.warn("Observer {} threw on walForced; it keeps observing", o, e);
        }
      }
    }

    @Override
    public void failed(String what, Throwable error) {
      each("failed", o -> o.failed(what, error));
    }

    @Override
    public void stopped() {
      each("stopped", EngineObserver::stopped);
    }
  }
}
