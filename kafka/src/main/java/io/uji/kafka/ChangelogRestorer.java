package io.uji.kafka;

import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.GroupStateAccess;
import io.uji.engine.cluster.StateChange;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a key group's state from its changelogs (design: docs/design/scale-out.md 7.2, 7.3
 * steps 3-4): per stateful operator, from the local copy's position when it can be trusted, else
 * from the log start after wiping the group, up to the partition's stable end, read with
 * read_committed (an aborted or open transaction's records are never applied) and applied in
 * chunks as stored bytes.
 *
 * <p>The caller makes sure no transaction that could still commit changes of the group is open
 * (the stable offset fetch of 7.3 step 2): the end read here is then final.
 *
 * <p>One restore at a time (one consumer); not thread-safe.
 */
final class ChangelogRestorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangelogRestorer.class);
  /** Changes applied at once: a RocksDB write batch's worth. */
  static final int CHUNK = 32 * 1024;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Admin admin;
  private final Duration timeout;
  private final java.util.concurrent.atomic.AtomicLong restoredChanges = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param config the consumer properties (bootstrap, security); read_committed and assign mode
   *     are forced
   * @param timeout how long a restore may go without progress
   */
  ChangelogRestorer(Map<String, Object> config, Admin admin, String clientId, Duration timeout) {
    this.admin = admin;
    Map<String, Object> m = ClientConfigs.reader(new HashMap<>(config), clientId);
    m.put("max.poll.records", 10_000);
    m.put("fetch.max.bytes", 50 << 20);
    this.consumer = new KafkaConsumer<>(m, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.timeout = timeout;
  }

  /**
   * Restores {@code group} of every operator of {@code changelogs}.
   *
   * @param changelogs per operator, its changelog topic
   * @param topicIds per operator, its topic's id now
   * @param local the positions of the local copy (from the checkpoint), or {@link
   *     ChangelogPositions#none()}
   * @return per operator, the group's new position (the end read)
   * @throws UjiKafkaException if the changelog cannot be read or stops progressing for the timeout
   */
  Map<String, Long> restore(GroupStateAccess state, int group, Map<String, String> changelogs,
      Map<String, String> topicIds, ChangelogPositions local) {
    return restore(state, group, changelogs, topicIds, local, op -> { });
  }

  /**
   * As {@link #restore(GroupStateAccess, int, Map, Map, ChangelogPositions)}, telling {@code
   * wiping} before an operator's group is wiped (for the caller to forget the copy's position
   * first: a local checkpoint taken in the middle of the restore must not record the old position
   * with a partly restored state).
   */
  Map<String, Long> restore(GroupStateAccess state, int group, Map<String, String> changelogs,
      Map<String, String> topicIds, ChangelogPositions local, java.util.function.Consumer<String> wiping) {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, String> e : changelogs.entrySet()) {
      String op = e.getKey();
      TopicPartition tp = new TopicPartition(e.getValue(), group);
      List<TopicPartition> one = List.of(tp);
      long logStart = consumer.beginningOffsets(one, timeout).get(tp);
      long end = stableEnd(tp);
      long position = local.position(op, group);
      String reason = trust(position, logStart, end, topicIds.get(op), local.topicIds().get(op));
      long start = position;
      if (reason != null) {
        wiping.accept(op);
        state.wipe(op, group);
        start = logStart;
      }
      long applied = read(state, op, tp, start, end);
      restoredChanges.addAndGet(applied);
      LOG.info("Restored key group {} of '{}' from {} [{}, {}): {} changes{}", group, op, tp, start, end, applied,
          reason == null ? " (local copy up to " + position + ")" : " (full: " + reason + ")");
      out.put(op, end);
    }
    return out;
  }

  /**
   * @return the partition's end once every transaction written to it has ended: the last stable
   *     offset once it reaches the high watermark. A transaction that committed the group's input
   *     offsets may still have its marker on the way to this partition (the coordinator writes the
   *     markers of all partitions in parallel), and reading up to an earlier stable offset would
   *     miss its changes. A zombie's open transaction is aborted by its fencing or its timeout.
   */
  private long stableEnd(TopicPartition tp) {
    Deadline deadline = Deadline.in(timeout);
    Backoff backoff = new Backoff(Duration.ofMillis(500));
    try {
      long high = latest(tp, IsolationLevel.READ_UNCOMMITTED);
      while (true) {
        long stable = latest(tp, IsolationLevel.READ_COMMITTED);
        if (stable >= high) {
          return stable;
        }
        if (deadline.remainingMs() <= 1) {
          throw new UjiKafkaException("Cannot restore from " + tp + ": a transaction is still open at offset "
              + stable + " (high watermark " + high + ") after " + timeout);
        }
        Thread.sleep(Math.min(backoff.nextMs(), deadline.remainingMs()));
      }
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot read the end offsets of " + tp + ": " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new UjiKafkaException("Cannot read the end offsets of " + tp + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted reading the end offsets of " + tp, e);
    }
  }

  private long latest(TopicPartition tp, IsolationLevel isolation)
      throws ExecutionException, java.util.concurrent.TimeoutException, InterruptedException {
    return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).partitionResult(tp)
        .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).offset();
  }

  /** @return why the local copy cannot be continued (design 7.2), or null if it can */
  static String trust(long position, long logStart, long end, String topicId, String localTopicId) {
    if (position < 0) {
      return "no local copy";
    }
    if (localTopicId == null || !localTopicId.equals(topicId)) {
      return "the topic's id " + topicId + " is not the local copy's " + localTopicId + " (recreated)";
    }
    if (position < logStart) {
      return "the local copy's position " + position + " is before the log start " + logStart;
    }
    if (position > end) {
      return "the local copy's position " + position + " is past the end " + end;
    }
    return null;
  }

  private long read(GroupStateAccess state, String op, TopicPartition tp, long start, long end) {
    if (start >= end) {
      return 0;
    }
    consumer.assign(List.of(tp));
    consumer.seek(tp, start);
    List<StateChange> chunk = new ArrayList<>();
    long applied = 0;
    Deadline stall = Deadline.in(timeout);
    while (consumer.position(tp, timeout) < end) {
      var records = consumer.poll(Duration.ofMillis(100));
      if (records.isEmpty()) {
        if (stall.remainingMs() <= 1) {
          throw new UjiKafkaException("Restoring " + tp + " made no progress for " + timeout + " at offset "
              + consumer.position(tp) + " of " + end);
        }
        continue;
      }
      stall = Deadline.in(timeout);
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        if (r.offset() >= end) {
          break;
        }
        chunk.add(change(op, r));
        if (chunk.size() == CHUNK) {
          state.apply(op, tp.partition(), chunk);
          applied += chunk.size();
          chunk = new ArrayList<>();
        }
      }
    }
    if (!chunk.isEmpty()) {
      state.apply(op, tp.partition(), chunk);
      applied += chunk.size();
    }
    consumer.assign(List.of());
    return applied;
  }

  /** @return the change a changelog record of {@code op} holds */
  static StateChange change(String op, ConsumerRecord<byte[], byte[]> r) {
    Header t = r.headers().lastHeader(GroupProducer.FILED_AT_HEADER);
    long filedAt = t == null || t.value().length != 8 ? -1 : ByteBuffer.wrap(t.value()).getLong();
    return new StateChange(op, r.partition(), r.key(), r.value(), filedAt);
  }

  /** @return the changelog records applied by restores so far (a promoted standby's tail, or a full restore) */
  long restoredChanges() {
    return restoredChanges.get();
  }

  @Override
  public void close() {
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
