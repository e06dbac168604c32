package io.uji.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * One KafkaConsumer of the pool, with the partition it is assigned, where its next read can start
 * without a seek, and the records a poll returned past the end of the last range read ("carried"
 * to the next read). A batch that continues where the previous one stopped therefore neither
 * seeks (which would drop what the consumer fetched ahead) nor reads a record twice. Used by one
 * thread at a time.
 */
final class ReaderConsumer<K, V> implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

  private final Consumer<K, V> consumer;
  private TopicPartition assigned;
  /** Where the next read continues without a seek, or -1 if unknown. */
  private long next = -1;
  /** Records at offsets from {@link #next} on that the last poll returned beyond its range. */
  private List<ConsumerRecord<K, V>> carried = List.of();
  private int carriedIndex;

  ReaderConsumer(Consumer<K, V> consumer) {
    this.consumer = consumer;
  }

  boolean isAt(TopicPartition tp, long offset) {
    return tp.equals(assigned) && next == offset;
  }

  boolean isAssigned(TopicPartition tp) {
    return tp.equals(assigned);
  }

  /** Makes {@code offset} of {@code tp} the next to read (nothing to do if the consumer is there). */
  void seek(TopicPartition tp, long offset) {
    if (isAt(tp, offset)) {
      return;
    }
    if (!tp.equals(assigned)) {
      consumer.assign(List.of(tp));
      assigned = tp;
    }
    consumer.seek(tp, offset);
    dropCarried();
    next = offset;
  }

  /**
   * Hands the carried records before {@code until} to {@code out}.
   *
   * @return where reading goes on: {@code until} if the carried records reach it, else the
   *     consumer's position
   */
  long takeCarried(long until, java.util.function.Consumer<? super KafkaRecord<K, V>> out) {
    while (carriedIndex < carried.size()) {
      ConsumerRecord<K, V> r = carried.get(carriedIndex);
      if (r.offset() >= until) {
        return until;
      }
      out.accept(KafkaRecord.of(r));
      carriedIndex++;
    }
    dropCarried();
    return consumer.position(assigned);
  }

  ConsumerRecords<K, V> poll(Duration timeout) {
    next = -1; // until the read ends
    return consumer.poll(timeout);
  }

  /** @return the consumer's position in the assigned partition (known after a seek or a poll) */
  long position() {
    return consumer.position(assigned);
  }

  /**
   * A read ended at {@code until}: the next can start there, with {@code beyond} (records the
   * last poll returned from {@code until} on, in order) first.
   */
  void endedAt(long until, List<ConsumerRecord<K, V>> beyond) {
    carried = beyond;
    carriedIndex = 0;
    next = until;
  }

  /** A read ended at {@code until} within the carried records: the rest of them comes next. */
  void continueAt(long until) {
    next = until;
  }

  Consumer<K, V> consumer() {
    return consumer;
  }

  /** Forgets where the consumer is (after a failure its state is not trusted): the next read seeks. */
  void forgetPosition() {
    dropCarried();
    next = -1;
  }

  private void dropCarried() {
    carried = List.of();
    carriedIndex = 0;
  }

  /** @return a copy of {@code records} from index {@code from} on (what a poll returned past a range) */
  static <K, V> List<ConsumerRecord<K, V>> tail(List<ConsumerRecord<K, V>> records, int from) {
    return from >= records.size() ? List.of() : new ArrayList<>(records.subList(from, records.size()));
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
  }
}
