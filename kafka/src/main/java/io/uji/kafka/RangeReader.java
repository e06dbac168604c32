package io.uji.kafka;

import io.uji.streaming.SourceDataLostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one range of offsets of one partition with one consumer: seek to the start, poll until
 * the consumer's <em>position</em> reaches the end. With read_committed the offsets of
 * transaction markers and aborted records hold no record for us, so a range of n offsets may hold
 * fewer than n records: the end is a position, never a record count.
 *
 * <p>While the broker is away, polls return nothing and the read waits (a WARN at most every
 * 30 s); a client error is retried with backoff. The read gives up only when the context stops.
 * Records deleted before they were read are handled by the {@link DataLossPolicy}.
 */
final class RangeReader<K, V> {
  private static final Logger LOG = LoggerFactory.getLogger(RangeReader.class);
  /** How long a read waits without progress before the first warning. */
  private static final long WARN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /**
   * The most record slots allocated up front for one range (a huge range grows as it is read):
   * enough for a batch of a million records over two partitions, so that such a batch's list is
   * allocated once instead of copied at every doubling (4 MiB of references at most).
   */
  private static final int MAX_PREALLOCATED = 1 << 20;

  private final DataLossPolicy onDataLoss;
  private final Duration pollTimeout;
  private final Duration requestTimeout;
  private final String bootstrap;
  private final StopSignal stop;
  private final Throttle waitWarnings = Throttle.warnings();

  RangeReader(DataLossPolicy onDataLoss, Duration pollTimeout, Duration requestTimeout, String bootstrap,
      StopSignal stop) {
    this.onDataLoss = onDataLoss;
    this.pollTimeout = pollTimeout;
    this.requestTimeout = requestTimeout;
    this.bootstrap = bootstrap;
    this.stop = stop;
  }

  /**
   * @return the records at offsets {@code [from, until)} of {@code tp}, in offset order
   * @throws SourceDataLostException if some were deleted and the policy is {@link DataLossPolicy#FAIL}
   * @throws UjiKafkaException if a record cannot be deserialized, access is denied, the offsets are
   *     past the partition's end, or the context stopped while the broker was away
   * @throws InterruptException if the thread was interrupted (a stop that does not wait)
   */
  List<KafkaRecord<K, V>> read(ReaderConsumer<K, V> c, TopicPartition tp, long from, long until) {
    if (from >= until) {
      return List.of();
    }
    ArrayList<KafkaRecord<K, V>> out = new ArrayList<>((int) Math.min(until - from, MAX_PREALLOCATED));
    read(c, tp, from, until, out::add);
    return out;
  }

  /**
   * Hands the records at offsets {@code [from, until)} of {@code tp} to {@code sink}, in offset
   * order, as each poll brings them (none is kept here: a record the sink does not keep dies
   * young). A retried poll goes on from the position after the records already handed out, so
   * none is handed out twice.
   *
   * @return how many records it handed out
   * @throws SourceDataLostException as {@link #read(ReaderConsumer, TopicPartition, long, long)}
   * @throws UjiKafkaException as {@link #read(ReaderConsumer, TopicPartition, long, long)}
   * @throws InterruptException if the thread was interrupted
   */
  long read(ReaderConsumer<K, V> c, TopicPartition tp, long from, long until, Consumer<? super KafkaRecord<K, V>> sink) {
    if (from >= until) {
      return 0;
    }
    c.seek(tp, from);
    Counting<K, V> carriedOut = new Counting<>(sink);
    long position = c.takeCarried(until, carriedOut);
    long count = carriedOut.count;
    long progressNanos = System.nanoTime();
    Backoff backoff = new Backoff(MAX_BACKOFF);
    List<ConsumerRecord<K, V>> beyond = null; // what the last poll returned past the range, once polled
    while (position < until) {
      ConsumerRecords<K, V> polled;
      try {
        polled = c.poll(pollTimeout);
      } catch (OffsetOutOfRangeException e) {
        position = afterDataLoss(c, tp, position, until);
        if (position >= until) {
          return count; // the rest of the range was lost (and skipped); the consumer seeks next time
        }
        continue;
      } catch (RecordDeserializationException e) {
        throw new UjiKafkaException("Cannot deserialize the " + e.origin().name().toLowerCase(Locale.ROOT)
            + " of the record at offset " + e.offset() + " of topic " + tp.topic() + " partition " + tp.partition()
            + " (check the source's key and value deserializers): " + e.getMessage(), e);
      } catch (AuthenticationException | AuthorizationException e) {
        throw new UjiKafkaException("Kafka at " + bootstrap + " refused to let Uji read topic " + tp.topic()
            + ": " + e.getMessage(), e);
      } catch (InterruptException e) {
        throw e;
      } catch (KafkaException e) {
        retryAfter(e, c, tp, from, until, position, backoff);
        continue;
      }
      List<ConsumerRecord<K, V>> records = polled.records(tp);
      for (int i = 0; i < records.size(); i++) {
        ConsumerRecord<K, V> r = records.get(i);
        if (r.offset() >= until) {
          beyond = ReaderConsumer.tail(records, i); // the next batch's first records: kept, not fetched again
          break;
        }
        sink.accept(KafkaRecord.of(r));
        count++;
      }
      if (beyond == null) {
        beyond = List.of();
      }
      long now = c.position();
      if (now > position) {
        position = now;
        progressNanos = System.nanoTime();
        backoff.reset();
      } else {
        waiting(tp, from, until, position, progressNanos);
      }
    }
    if (beyond == null) {
      c.continueAt(until); // the whole range came from carried records; the rest of them stays
    } else {
      c.endedAt(until, beyond);
    }
    return count;
  }

  /** Hands records on and counts them. */
  private static final class Counting<K, V> implements Consumer<KafkaRecord<K, V>> {
    private final Consumer<? super KafkaRecord<K, V>> sink;
    long count;

    Counting(Consumer<? super KafkaRecord<K, V>> sink) {
      this.sink = sink;
    }

    @Override
    public void accept(KafkaRecord<K, V> r) {
      sink.accept(r);
      count++;
    }
  }

  /** A poll brought nothing: the broker may be away. Warn now and then; give up if the context stops. */
  private void waiting(TopicPartition tp, long from, long until, long position, long progressNanos) {
    if (stop.isStopped()) {
      throw gaveUp(tp, from, until, position, null);
    }
    long waitedNanos = System.nanoTime() - progressNanos;
    if (waitedNanos >= WARN_AFTER_NANOS && waitWarnings.allow()) {
      LOG.warn("Reading offsets [{}, {}) of topic {} partition {}: no record for {} s at offset {} (is Kafka at {} "
          + "down?); the batch waits and retries until it answers or the context stops", from, until, tp.topic(),
          tp.partition(), TimeUnit.NANOSECONDS.toSeconds(waitedNanos), position, bootstrap);
    }
  }

  private void retryAfter(KafkaException e, ReaderConsumer<K, V> c, TopicPartition tp, long from, long until,
      long position, Backoff backoff) {
    long ms = backoff.nextMs();
    if (waitWarnings.allow()) {
      LOG.warn("Reading offsets [{}, {}) of topic {} partition {} failed at offset {} ({}); retrying in {} ms until "
          + "it succeeds or the context stops", from, until, tp.topic(), tp.partition(), position, e.toString(), ms);
    }
    try {
      if (stop.isStopped() || stop.sleep(ms)) {
        throw gaveUp(tp, from, until, position, e);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new InterruptException(interrupted);
    }
    c.forgetPosition();
    c.seek(tp, position);
  }

  /**
   * Records from {@code position} on were deleted. Fails, or skips to the earliest offset.
   *
   * @return the position to read on from
   */
  private long afterDataLoss(ReaderConsumer<K, V> c, TopicPartition tp, long position, long until) {
    c.forgetPosition();
    long earliest;
    long end;
    try {
      earliest = c.consumer().beginningOffsets(List.of(tp), requestTimeout).get(tp);
      end = c.consumer().endOffsets(List.of(tp), requestTimeout).get(tp);
    } catch (KafkaException e) {
      throw new UjiKafkaException("Offset " + position + " of topic " + tp.topic() + " partition " + tp.partition()
          + " is out of range, and Kafka at " + bootstrap + " did not say which offsets exist", e);
    }
    if (position >= earliest) {
      throw new UjiKafkaException("Offsets [" + position + ", " + until + ") of topic " + tp.topic() + " partition "
          + tp.partition() + " are past its end (it holds [" + earliest + ", " + end + ")): the partition has fewer "
          + "records than Uji read before; was the topic deleted and re-created, or its log truncated?");
    }
    long lostUntil = Math.min(until, earliest);
    String lost = "the records at offsets [" + position + ", " + lostUntil + ") of topic " + tp.topic() + " partition "
        + tp.partition() + " no longer exist in Kafka at " + bootstrap + " (deleted by retention or deleteRecords "
        + "before they were read; the earliest offset is now " + earliest + ")";
    if (onDataLoss == DataLossPolicy.FAIL) {
      throw new SourceDataLostException("Lost data: " + lost + ". The batch fails rather than skip them; to skip "
          + "lost records instead, build the source with onDataLoss(DataLossPolicy.SKIP)");
    }
    LOG.warn("Skipping lost data: {}", lost);
    if (earliest >= until) {
      return until; // the consumer is left unpositioned (forgotten above)
    }
    c.seek(tp, earliest);
    return earliest;
  }

  private UjiKafkaException gaveUp(TopicPartition tp, long from, long until, long position, Throwable cause) {
    return new UjiKafkaException("The context stopped while reading offsets [" + from + ", " + until + ") of topic "
        + tp.topic() + " partition " + tp.partition() + " from Kafka at " + bootstrap + " (stuck at offset "
        + position + "); the batch did not complete", cause);
  }
}
