package io.uji.streaming;

import io.uji.engine.receiver.ReceiverSink;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A long-running source that pushes records into a context (Spark's {@code Receiver}). Subclass
 * it, start your own threads in {@link #onStart()} and stop them in {@link #onStop()}.
 *
 * <p>Reliability: {@link #store(List)} and {@link #store(Iterator)} return only once the block is
 * safely stored (written and forced to the write-ahead log when the context has a checkpoint
 * directory), so a receiver that acknowledges its source after they return loses nothing in a
 * crash. {@link #store(Object)} buffers single records into blocks and returns before that (as in
 * Spark): what was buffered but not yet cut into a block is lost in a crash.
 *
 * <p><b>At least once, unless the source is replayable.</b> A receiver pushes; Uji cannot ask its
 * source for the same records again. A block stored (in the write-ahead log) whose
 * acknowledgement never reached the source before a crash is delivered by the recovered context
 * <em>and</em> sent again by the source: counted twice. Only a source that can be read again by
 * position gives exactly-once state without that caveat: implement {@link ReplayableSource} for it
 * ({@link StreamingContext#replayableStream}) instead of a receiver; Kafka has one in the
 * {@code uji-kafka} module.
 *
 * <p>Backpressure: every {@code store} blocks while the receiver holds more records than the
 * context allows (stored, but their batch not completed yet) or exceeds its maximum rate.
 *
 * @param <T> the record type
 */
public abstract class Receiver<T> {
  private volatile ReceiverSink<T> sink;

  /**
   * A receiver not yet given to a context; it is attached by {@link
   * StreamingContext#receiverStream}, and {@code store} fails until that context has started it.
   */
  protected Receiver() {}

  /** Starts receiving. Must not block: start threads that call {@code store}. Called again after a restart. */
  public abstract void onStart();

  /** Stops receiving: stop the threads {@link #onStart()} started and free their resources. */
  public abstract void onStop();

  /** @return the receiver's name in listener events and logs (default: the class name) */
  public String name() {
    return getClass().getSimpleName();
  }

  /** Stores one record; it is cut into a block with others. May block (backpressure). */
  public final void store(T record) {
    sink().storeOne(record);
  }

  /**
   * Stores a block of records and returns when it is safely stored.
   *
   * @throws IllegalStateException if the receiver was stopped before the block could be stored
   */
  public final void store(List<T> block) {
    sink().storeBlock(block);
  }

  /** Stores the records of an iterator as one block; same guarantees as {@link #store(List)}. */
  public final void store(Iterator<T> records) {
    List<T> block = new ArrayList<>();
    records.forEachRemaining(block::add);
    sink().storeBlock(block);
  }

  /** @return true when the receiver is stopped or being restarted: its threads should end */
  public final boolean isStopped() {
    ReceiverSink<T> s = sink;
    return s == null || s.isStopped();
  }

  /** Stops the receiver and starts it again after the context's restart delay. Returns at once. */
  public final void restart(String message) {
    sink().restart(message, null);
  }

  /** As {@link #restart(String)}, reporting {@code error} to listeners. */
  public final void restart(String message, Throwable error) {
    sink().restart(message, error);
  }

  /** Reports an error to listeners without stopping the receiver. */
  public final void reportError(String message, Throwable error) {
    sink().reportError(message, error);
  }

  /** Stops the receiver for good (until the context restarts). */
  public final void stop(String message) {
    sink().stopReceiver(message, null);
  }

  /** Attaches the receiver to its supervisor (null detaches it); the engine calls it through {@link EngineAccess}. */
  final void attach(ReceiverSink<T> s) {
    if (this.sink != null && s != null) {
      throw new IllegalStateException("Receiver " + name() + " is already used by a stream");
    }
    this.sink = s;
  }

  private ReceiverSink<T> sink() {
    ReceiverSink<T> s = sink;
    if (s == null) {
      throw new IllegalStateException("Receiver " + name() + " is not attached to a started context");
    }
    return s;
  }
}
