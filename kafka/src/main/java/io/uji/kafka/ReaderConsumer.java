package io.uji.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * One KafkaConsumer of the pool, with the partition it is assigned and the offset it will read
 * next, so that a batch that continues where the previous one stopped on the same consumer skips
 * the seek and uses what the consumer already fetched. Used by one thread at a time.
 */
final class ReaderConsumer<K, V> implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

  private final Consumer<K, V> consumer;
  private TopicPartition assigned;
  /** The consumer's position in {@link #assigned}, or -1 if unknown. */
  private long next = -1;

  ReaderConsumer(Consumer<K, V> consumer) {
    this.consumer = consumer;
  }

  boolean isAt(TopicPartition tp, long offset) {
    return tp.equals(assigned) && next == offset;
  }

  boolean isAssigned(TopicPartition tp) {
    return tp.equals(assigned);
  }

  /** Reads {@code tp} from {@code offset} next. */
  void seek(TopicPartition tp, long offset) {
    if (!tp.equals(assigned)) {
      consumer.assign(List.of(tp));
      assigned = tp;
    }
    if (next != offset) {
      consumer.seek(tp, offset);
      next = offset;
    }
  }

  ConsumerRecords<K, V> poll(Duration timeout) {
    next = -1; // unknown until position() is asked again
    return consumer.poll(timeout);
  }

  /** @return the consumer's position in the assigned partition (local: known after a seek or a poll) */
  long position() {
    next = consumer.position(assigned);
    return next;
  }

  Consumer<K, V> consumer() {
    return consumer;
  }

  /** Forgets the position (after a failure the consumer's state is not trusted): the next read seeks. */
  void forgetPosition() {
    next = -1;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
  }
}
