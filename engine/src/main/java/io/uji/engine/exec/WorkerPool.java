package io.uji.engine.exec;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The bounded pool that runs a batch's partitions in parallel. One per context; its threads end
 * when the context stops.
 *
 * <p>A task that itself asks for parallel work (a {@code transform} function mapping a dataset
 * inside a worker, say) runs that work inline: waiting for the pool from inside the pool could
 * deadlock it.
 */
public final class WorkerPool implements AutoCloseable {
  private static final ThreadLocal<WorkerPool> CURRENT = new ThreadLocal<>();

  private final ThreadPoolExecutor executor;
  private final int threads;

  public WorkerPool(String name, int threads) {
    this.threads = threads;
    AtomicInteger seq = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(() -> {
        CURRENT.set(this);
        r.run();
      }, name + "-worker-" + seq.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tf);
    executor.allowCoreThreadTimeOut(true);
  }

  public int threads() {
    return threads;
  }

  /**
   * @return the pool as an executor, for work submitted from outside it on the batch thread
   *     (a checkpoint's capture of the state partitions, the preload of restored state)
   */
  public java.util.concurrent.Executor executor() {
    return executor;
  }

  /**
   * Runs {@code task(0) .. task(count - 1)} on the pool and waits for all of them.
   *
   * @throws RuntimeException the first task failure (others are added as suppressed); an
   *     interrupt while waiting is rethrown as {@link TaskInterruptedException}
   */
  public void run(int count, IntConsumer task) {
    if (count == 1 || CURRENT.get() == this) {
      for (int i = 0; i < count; i++) {
        task.accept(i);
      }
      return;
    }
    CountDownLatch done = new CountDownLatch(count);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count; i++) {
      final int p = i;
      executor.execute(() -> {
        try {
          if (failure.get() == null) {
            task.accept(p);
          }
        } catch (Throwable t) {
          if (!failure.compareAndSet(null, t)) {
            failure.get().addSuppressed(t);
          }
        } finally {
          done.countDown();
        }
      });
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskInterruptedException("interrupted while waiting for " + count + " partition tasks", e);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new RuntimeException(t);
    }
  }

  /** Stops the threads; waits briefly for running tasks. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Thrown when the thread waiting for partition tasks is interrupted (the context is stopping). */
  public static final class TaskInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TaskInterruptedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
