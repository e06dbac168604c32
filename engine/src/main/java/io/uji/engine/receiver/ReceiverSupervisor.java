package io.uji.engine.receiver;

import io.uji.checkpoint.LogPosition;
import io.uji.engine.access.SharedSecrets;
import io.uji.engine.exec.SerializationCheck;
import io.uji.engine.scheduler.ListenerBus;
import io.uji.streaming.Receiver;
import io.uji.streaming.ReceiverInfo;
import io.uji.streaming.StreamingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import io.uji.engine.hooks.ReceiverCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine side of one receiver: starts and restarts it, cuts what it stores into blocks,
 * writes blocks to the {@link BlockStore}, and applies backpressure.
 *
 * <p>Backpressure: a receiver holds one permit per record from {@code store} until the batch
 * holding the record completes, out of {@code maxBuffered}; {@code store} waits for permits, so a
 * slow batch stops the receiver instead of growing the heap.
 */
public final class ReceiverSupervisor<T> implements ReceiverSink<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverSupervisor.class);

  private final Receiver<T> receiver;
  private final int streamId;
  private final ListenerBus bus;
  private final BlockStore<T> blockStore;
  private final Semaphore permits;
  private final int maxPermitsPerBlock;
  private final int maxBlockRecords;
  private final RateLimiter rateLimiter;
  private final long restartDelayMs;
  private final ScheduledExecutorService control;
  private final SerializationCheck recordCheck;
  private final Consumer<Throwable> stopContext;
  private final int maxRestarts;
  private final RestartLog restartLog;
  /** Restarts asked for since the receiver last stored a block (the control thread increments). */
  private final AtomicInteger restartsInARow = new AtomicInteger();

  private final Object bufferLock = new Object();
  private List<T> current = new ArrayList<>();
  private final List<Block<T>> ready = new ArrayList<>();

  /** Counted per block, not per record: the status page and metrics read them. */
  private final LongAdder storedRecords = new LongAdder();
  private final LongAdder storedBlocks = new LongAdder();
  private final LongAdder blockedCount = new LongAdder();
  private final LongAdder blockedNanos = new LongAdder();

  private volatile boolean stopped = true;
  private volatile boolean terminated;
  /** Read-held by every store while it adds records; write-taken once by terminate to drain them. */
  private final java.util.concurrent.locks.ReentrantReadWriteLock storeGate =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /**
   * @param blockStore where blocks are made durable before {@code store} returns (the
   *     supervisor does not own it: whoever opened it closes it)
   * @param recordCheck refuses records that could not be written to a write-ahead log, with or
   *     without one
   * @param stopContext stops the context with an error, when the receiver asked for more restarts
   *     in a row than allowed
   */
  public ReceiverSupervisor(Receiver<T> receiver, int streamId, ListenerBus bus, BlockStore<T> blockStore,
      ReceiverSettings settings, SerializationCheck recordCheck, Consumer<Throwable> stopContext) {
    this.receiver = receiver;
    this.recordCheck = recordCheck;
    this.stopContext = stopContext;
    this.maxRestarts = settings.maxRestarts();
    this.restartLog = new RestartLog(receiver.name(), Ticker.SYSTEM);
    this.streamId = streamId;
    this.bus = bus;
    this.blockStore = blockStore;
    int max = (int) Math.min(Integer.MAX_VALUE, settings.maxBufferedRecords());
    this.permits = new Semaphore(max);
    this.maxPermitsPerBlock = max;
    this.maxBlockRecords = settings.maxBlockRecords();
    this.rateLimiter = new RateLimiter(settings.maxRatePerSecond(), Ticker.SYSTEM);
    this.restartDelayMs = settings.restartDelayMs();
    this.control = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "uji-receiver-" + streamId + "-" + receiver.name());
      t.setDaemon(true);
      return t;
    });
    SharedSecrets.streaming().attach(receiver, this);
  }

  public void start() {
    control.execute(this::startReceiver);
  }

  private void startReceiver() {
    if (terminated) {
      return;
    }
    stopped = false;
    try {
      receiver.onStart();
      bus.post(l -> l.onReceiverStarted(info(true, "", null)));
    } catch (Throwable t) {
      LOG.warn("Receiver {} failed to start; restarting it", receiver.name(), t);
      restart("Error starting receiver " + receiver.name() + ": " + t, t);
    }
  }

  private void stopReceiverNow() {
    stopped = true;
    try {
      receiver.onStop();
    } catch (Throwable t) {
      LOG.warn("Receiver {} threw in onStop", receiver.name(), t);
    }
  }

  @Override
  public void restart(String message, Throwable error) {
    if (terminated) {
      return;
    }
    stopped = true;
    try {
      // Reported from the control thread, so a restart asked for while onStart is still running
      // is reported after that start (events stay in the order things happened to the receiver).
      control.execute(() -> {
        bus.post(l -> l.onReceiverError(info(false, message, error)));
        stopReceiverNow();
        bus.post(l -> l.onReceiverStopped(info(false, message, error)));
        if (terminated) {
          return;
        }
        int inARow = restartsInARow.incrementAndGet();
        if (inARow > maxRestarts) {
          giveUp(inARow - 1, message, error);
          return;
        }
        restartLog.restarting(inARow, maxRestarts, restartDelayMs, message, error);
        control.schedule(this::startReceiver, restartDelayMs, TimeUnit.MILLISECONDS);
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The context stopped meanwhile: there is nothing to restart.
    }
  }

  /**
   * Stops the receiver for good (it stays stopped until the context restarts) and the context
   * with an error naming it: a receiver that fails again and again without storing anything
   * would otherwise loop forever.
   */
  private void giveUp(int restarts, String message, Throwable error) {
    String cause = message + (error == null ? "" : " (" + error + ")");
    StreamingException e = new StreamingException("Receiver '" + receiver.name() + "' asked to be restarted again"
        + " after " + restarts + " restarts in a row without storing a record, the most StreamingConfig"
        + " receiverMaxRestarts allows; the last time: " + cause + ". It is stopped, and the context with it", error);
    LOG.error("{}", e.getMessage(), error);
    bus.post(l -> l.onReceiverError(info(false, e.getMessage(), e)));
    stopContext.accept(e);
  }

  @Override
  public void reportError(String message, Throwable error) {
    bus.post(l -> l.onReceiverError(info(!stopped, message, error)));
  }

  @Override
  public void stopReceiver(String message, Throwable error) {
    stopped = true;
    control.execute(() -> {
      stopReceiverNow();
      bus.post(l -> l.onReceiverStopped(info(false, message, error)));
    });
  }

  /** Stops the receiver for good and ends its control thread; blocks already stored stay. */
  public void terminate() {
    if (terminated) {
      return;
    }
    terminated = true;
    // Wait for stores in progress: a store racing with the stop either completes before this
    // returns (and is in the last batch of a graceful stop) or throws; none returns normally
    // with its records dropped.
    storeGate.writeLock().lock();
    storeGate.writeLock().unlock();
    stopped = true;
    try {
      control.submit(() -> {
        stopReceiverNow();
        bus.post(l -> l.onReceiverStopped(info(false, "context stopped", null)));
      }).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Receiver {} did not stop within 10 s", receiver.name(), e);
    }
    control.shutdownNow();
    try {
      control.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    SharedSecrets.streaming().attach(receiver, null);
  }

  @Override
  public boolean isStopped() {
    return stopped;
  }

  private ReceiverInfo info(boolean active, String message, Throwable error) {
    return new ReceiverInfo(streamId, receiver.name(), active, message == null ? "" : message, error);
  }

  @Override
  public void storeOne(T record) {
    recordCheck.check(0, record);
    rateLimiter.acquire(1, () -> terminated);
    acquirePermits(1);
    storeGate.readLock().lock();
    try {
      if (terminated) {
        permits.release(1);
        throw stoppedError();
      }
      storeOneAdmitted(record);
    } finally {
      storeGate.readLock().unlock();
    }
  }

  private void storeOneAdmitted(T record) {
    Block<T> full = null;
    synchronized (bufferLock) {
      current.add(record);
      if (current.size() >= maxBlockRecords) {
        full = new Block<>(current, null, current.size());
        current = new ArrayList<>();
      }
    }
    if (full != null) {
      pushBlock(full.records(), full.permits());
    }
  }

  @Override
  public void storeBlock(List<T> records) {
    if (records.isEmpty()) {
      return;
    }
    List<T> copy = List.copyOf(records);
    for (T r : copy) {
      recordCheck.check(0, r);
    }
    rateLimiter.acquire(copy.size(), () -> terminated);
    int n = Math.min(copy.size(), maxPermitsPerBlock);
    acquirePermits(n);
    storeGate.readLock().lock();
    try {
      if (terminated) {
        permits.release(n);
        throw stoppedError();
      }
      pushBlock(copy, n);
    } finally {
      storeGate.readLock().unlock();
    }
  }

  private void acquirePermits(int n) {
    if (terminated) {
      throw new IllegalStateException("Receiver " + receiver.name() + " was stopped; the records were not stored");
    }
    if (permits.tryAcquire(n)) {
      return; // not blocked: no clock read
    }
    long blockedSince = System.nanoTime();
    try {
      while (!permits.tryAcquire(n, 50, TimeUnit.MILLISECONDS)) {
        if (terminated) {
          throw new IllegalStateException("Receiver " + receiver.name() + " was stopped; the records were not stored");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting to store records of receiver " + receiver.name(), e);
    } finally {
      blockedCount.increment();
      blockedNanos.add(System.nanoTime() - blockedSince);
    }
  }

  /** @return what this receiver stored and how long backpressure held it, since start */
  public ReceiverCounters counters() {
    return new ReceiverCounters(storedRecords.sum(), storedBlocks.sum(), blockedCount.sum(), blockedNanos.sum());
  }

  private void pushBlock(List<T> records, int heldPermits) {
    LogPosition position;
    try {
      position = blockStore.write(records);
    } catch (RuntimeException e) {
      permits.release(heldPermits);
      throw e;
    }
    synchronized (bufferLock) {
      ready.add(new Block<>(records, position, heldPermits));
    }
    storedRecords.add(records.size());
    storedBlocks.increment();
    if (restartsInARow.get() != 0) {
      restartsInARow.set(0); // it works again: a later failure starts a new count
    }
  }

  private IllegalStateException stoppedError() {
    return new IllegalStateException("Receiver " + receiver.name() + " was stopped; the records were not stored");
  }

  /**
   * Adds a block found in the write-ahead log after a crash that no batch took; it goes into the
   * next batch. Holds no permit: it is already stored.
   */
  public void recoverBlock(List<T> records, LogPosition position) {
    synchronized (bufferLock) {
      ready.add(new Block<>(records, position, 0));
    }
  }

  /**
   * Takes every block stored so far, cutting the partly filled one. Called at each batch tick.
   */
  public List<Block<T>> takeBlocks() {
    List<T> partial;
    List<Block<T>> out;
    synchronized (bufferLock) {
      partial = current.isEmpty() ? null : current;
      if (partial != null) {
        current = new ArrayList<>();
      }
      out = new ArrayList<>(ready);
      ready.clear();
    }
    if (partial != null) {
      LogPosition pos = blockStore.write(partial);
      out.add(new Block<>(partial, pos, partial.size()));
      storedRecords.add(partial.size());
      storedBlocks.increment();
    }
    return out;
  }

  /** Returns the permits of blocks whose batch completed. */
  public void release(int n) {
    permits.release(n);
  }

  public Receiver<T> receiver() {
    return receiver;
  }
}
