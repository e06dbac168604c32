package io.uji.engine.scheduler;

import io.uji.engine.graph.OutputFailurePolicy;
import io.uji.engine.graph.OutputOperation;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.streaming.Clock;
import io.uji.streaming.Dataset;
import io.uji.streaming.FailedOutput;
import io.uji.streaming.OutputOperationInfo;
import io.uji.streaming.Time;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one output operation of a batch under its {@link OutputFailurePolicy}: every attempt is
 * reported to listeners; a failure is retried after a backoff on the context's clock (only this
 * output operation runs again: the datasets it reads are cached, and the keyed state is never
 * recomputed), then either skipped — handed to the policy's handler, counted, logged once naming
 * the batch and the operation — or thrown, which stops the context.
 *
 * <p>A failure is never retried or skipped when a stateful operator failed while computing the
 * batch (its state may be partly updated), when the batch is being stopped, or when it is an
 * {@link Error}.
 */
final class OutputRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final StreamGraph graph;
  private final Clock clock;
  private final ListenerBus bus;
  private final OutputErrorCounters counters;

  OutputRunner(StreamGraph graph, Clock clock, ListenerBus bus, OutputErrorCounters counters) {
    this.graph = graph;
    this.clock = clock;
    this.bus = bus;
    this.counters = counters;
  }

  /**
   * Runs {@code out} for batch {@code t} if its stream has a dataset then.
   *
   * @throws RuntimeException the output operation's failure, when its policy does not skip it
   * @throws InterruptedException if the context is being stopped during a backoff
   */
  <T> void run(OutputOperation<T> out, Time t) throws InterruptedException {
    if (!out.producesAt(t)) {
      return;
    }
    OutputFailurePolicy<T> policy = out.policy();
    for (int attempt = 1; ; attempt++) {
      long start = clock.getTimeMillis();
      bus.post(l -> l.onOutputOperationStarted(info(out, t, start, -1, null)));
      Dataset<T> data = null;
      try {
        data = out.dataset(t);
        if (data != null) {
          out.apply(data, t);
        }
        long end = clock.getTimeMillis();
        bus.post(l -> l.onOutputOperationCompleted(info(out, t, start, end, null)));
        return;
      } catch (RuntimeException | Error e) {
        long end = clock.getTimeMillis();
        bus.post(l -> l.onOutputOperationCompleted(info(out, t, start, end, e)));
        counters.countFailure();
        if (!mayRecover(e)) {
          throw e;
        }
        RuntimeException failure = (RuntimeException) e;
        if (attempt <= policy.retries()) {
          long wait = policy.backoffBefore(attempt);
          LOG.warn("Batch {}: output operation {} failed (attempt {} of {}); running it again in {} ms", t,
              out.describe(), attempt, policy.retries() + 1, wait, failure);
          counters.countRetry();
          clock.waitTillTime(clock.getTimeMillis() + wait);
          continue;
        }
        if (policy.skipTo() == null) {
          throw failure;
        }
        skip(out, t, attempt, failure, data);
        return;
      }
    }
  }

  /** @return whether the policy may retry or skip: nothing else is broken by the failure */
  private boolean mayRecover(Throwable e) {
    if (e instanceof Error || Thread.currentThread().isInterrupted()) {
      return false;
    }
    for (StatefulNode s : graph.statefulNodes()) {
      if (s.failed()) {
        return false;
      }
    }
    return true;
  }

  private <T> void skip(OutputOperation<T> out, Time t, int attempts, RuntimeException failure, Dataset<T> data) {
    counters.countSkip();
    LOG.error("Batch {}: output operation {} failed {} and is skipped for this batch; its failure goes to the error"
        + " handler", t, out.describe(), attempts == 1 ? "once" : attempts + " times", failure);
    long now = clock.getTimeMillis();
    bus.post(l -> l.onOutputOperationSkipped(info(out, t, now, now, failure)));
    FailedOutput<T> failed = new FailedOutput<>(t, out.id(), out.describe(), attempts, failure,
        Optional.ofNullable(data));
    try {
      out.policy().skipTo().accept(failed);
    } catch (RuntimeException handlerFailure) {
      handlerFailure.addSuppressed(failure);
      throw new IllegalStateException("The error handler of output operation " + out.describe() + " failed for batch "
          + t + ": " + handlerFailure, handlerFailure);
    }
  }

  private static OutputOperationInfo info(OutputOperation<?> out, Time t, long start, long end, Throwable failure) {
    return new OutputOperationInfo(t, out.id(), out.name(), start, end,
        failure == null ? Optional.empty() : Optional.of(String.valueOf(failure)));
  }
}
