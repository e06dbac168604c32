package io.uji.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small pool of KafkaConsumers for the reads of a source. A KafkaConsumer is not thread-safe,
 * so each read borrows one for itself; reads of different partitions run in parallel on the
 * context's worker threads, so the pool grows to at most their number. A read gets, by
 * preference, the consumer that last read its partition up to where it starts (no seek, and
 * what that consumer already fetched is used), then one assigned to its partition, then any.
 *
 * <p>After {@link #close()} a read still gets a consumer (a graceful stop runs the batches already
 * queued), which is closed when it is released.
 */
final class ConsumerPool<K, V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerPool.class);

  private final Supplier<Consumer<K, V>> factory;
  private final ArrayDeque<ReaderConsumer<K, V>> idle = new ArrayDeque<>();
  private boolean closed;

  ConsumerPool(Supplier<Consumer<K, V>> factory) {
    this.factory = factory;
  }

  /** @return a consumer for reading {@code tp} from {@code from}, used by the caller alone until released */
  ReaderConsumer<K, V> borrow(TopicPartition tp, long from) {
    synchronized (this) {
      ReaderConsumer<K, V> chosen = null;
      for (ReaderConsumer<K, V> c : idle) {
        if (c.isAt(tp, from)) {
          chosen = c;
          break;
        }
        if (chosen == null && c.isAssigned(tp)) {
          chosen = c;
        }
      }
      if (chosen != null) {
        idle.remove(chosen);
        return chosen;
      }
      if (!idle.isEmpty()) {
        return idle.pollFirst();
      }
    }
    return new ReaderConsumer<>(factory.get());
  }

  /** Returns a consumer after a read that ended normally (closes it if the pool is closed). */
  void release(ReaderConsumer<K, V> c) {
    synchronized (this) {
      if (!closed) {
        idle.addFirst(c);
        return;
      }
    }
    closeQuietly(c);
  }

  /** Closes a consumer whose read failed: its state is not trusted. */
  void discard(ReaderConsumer<K, V> c) {
    closeQuietly(c);
  }

  /** Closes the idle consumers; those in use are closed when released. Idempotent. */
  @Override
  public void close() {
    List<ReaderConsumer<K, V>> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
    }
    toClose.forEach(ConsumerPool::closeQuietly);
  }

  private static void closeQuietly(ReaderConsumer<?, ?> c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing a Kafka consumer failed", e);
    }
  }
}
