package io.uji.kafka;

import io.uji.engine.cluster.BatchCommit;
import io.uji.engine.cluster.ChangelogPositions;
import io.uji.engine.cluster.InputRange;
import io.uji.engine.cluster.StateChange;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's only transactional producer in a group, and its per-batch transaction (design:
 * docs/design/scale-out.md 6.1): the batch's outputs (sent by the group's sinks into {@link
 * #producer()} while the transaction is open), then its state changes to the changelog topics
 * (partition = key group, always explicit), then the input offsets with the group's metadata
 * ({@code sendOffsetsToTransaction}: the coordinator refuses them from a stale generation), then
 * the commit. A batch may also be <i>deferred</i>: its changes and offsets stay in the open
 * transaction and commit with a later batch (during a rebalance, when the generation is unknown).
 *
 * <p>After each commit the send results give each changelog partition's position ({@link
 * #positions()}: one past the last offset written), which a local checkpoint records.
 *
 * <p>Used by the batch runner thread only, except {@link #producer()}'s sends and the change
 * writer, which Kafka's producer allows from several threads.
 */
final class GroupProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupProducer.class);
  /** The header carrying a mapWithState entry's filing time (8 bytes, big-endian). */
  static final String FILED_AT_HEADER = "uji.t";

  private final Map<String, Object> config;
  private final String transactionalId;
  private final List<String> inputTopics;
  /**
   * The input position of each partition as last committed or started from here: re-sent with a
   * transaction that writes for a group without reading it, for the generation check.
   */
  private final Map<TopicPartition, Long> inputPositions = new java.util.concurrent.ConcurrentHashMap<>();
  /** Whether the open transaction holds records (a sink was handed the producer, or a change was sent). */
  private volatile boolean holdsRecords;
  private final Map<String, String> changelogs;
  private final Map<String, String> topicIds;
  private final int groups;
  private final Supplier<ConsumerGroupMetadata> groupMetadata;
  private final Duration transactionTimeout;
  private Producer<byte[], byte[]> producer;
  private boolean open;
  /** An abort failed: the producer's state is unknown, a new one (a new epoch) runs the next transaction. */
  private boolean replaceBeforeNextTransaction;
  private final Map<TopicPartition, Long> pendingOffsets = new HashMap<>();
  /** Per operator, per group: one past the last offset sent in the open transaction (-1: none). */
  private final Map<String, AtomicLongArray> sent = new HashMap<>();
  /** As {@link #sent}, as of the last commit. */
  private final Map<String, long[]> committed = new HashMap<>();

  /**
   * @param config the producer properties (bootstrap, security, client settings)
   * @param transactionalId {@code <applicationId>-uji-<instanceId>}
   * @param inputTopics the group's input topics (key group g is partition g of each)
   * @param changelogs per stateful operator, its changelog topic
   * @param topicIds per stateful operator, its changelog topic's id (recorded with the positions)
   * @param groups P
   * @param groupMetadata the latest metadata the membership consumer published
   * @param startPositions per operator the positions the local state starts from (-1: none)
   */
  GroupProducer(Map<String, Object> config, String transactionalId, List<String> inputTopics,
      Map<String, String> changelogs, Map<String, String> topicIds, int groups,
      Supplier<ConsumerGroupMetadata> groupMetadata, Duration transactionTimeout, Map<String, long[]> startPositions) {
    this.config = Map.copyOf(config);
    this.inputTopics = List.copyOf(inputTopics);
    this.transactionalId = transactionalId;
    this.changelogs = Map.copyOf(changelogs);
    this.topicIds = Map.copyOf(topicIds);
    this.groups = groups;
    this.groupMetadata = groupMetadata;
    this.transactionTimeout = transactionTimeout;
    for (String op : changelogs.keySet()) {
      long[] start = startPositions.getOrDefault(op, new long[0]);
      long[] p = new long[groups];
      for (int g = 0; g < groups; g++) {
        p[g] = g < start.length ? start[g] : -1;
      }
      committed.put(op, p);
    }
  }

  /**
   * Creates the producer and aborts what this instance's previous life left open ({@code
   * initTransactions}); also after a fence, to get a new epoch.
   *
   * @throws KafkaException what {@code initTransactions} throws (the producer is closed)
   */
  void start() {
    closeProducer(Duration.ZERO);
    Map<String, Object> m = ClientConfigs.producer(new HashMap<>(config), transactionalId);
    m.put("transaction.timeout.ms", (int) transactionTimeout.toMillis());
    m.put("client.id", "uji-group-" + transactionalId);
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(m, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      p.initTransactions();
    } catch (RuntimeException e) {
      p.close(Duration.ZERO);
      throw e;
    }
    producer = p;
    replaceBeforeNextTransaction = false;
    open = false;
    pendingOffsets.clear();
    sent.clear();
  }

  /** @return the producer, with a transaction open: the group's sinks send their records into it */
  Producer<byte[], byte[]> producer() {
    beginIfNeeded();
    holdsRecords = true;
    return producer;
  }

  private void beginIfNeeded() {
    if (replaceBeforeNextTransaction) {
      start(); // clears the flag; its initTransactions fences the transaction whose abort failed
    }
    if (producer == null) {
      throw new IllegalStateException("the group producer of " + transactionalId + " is not started");
    }
    if (!open) {
      producer.beginTransaction();
      open = true;
      holdsRecords = false;
      for (String op : changelogs.keySet()) {
        AtomicLongArray a = new AtomicLongArray(groups);
        for (int g = 0; g < groups; g++) {
          a.set(g, -1);
        }
        sent.put(op, a);
      }
    }
  }

  /**
   * Adds the batch's changes and input offsets to the open transaction and, unless {@code defer},
   * commits it with the offsets of every batch deferred since the last commit.
   *
   * @throws GroupCommitException if the transaction cannot commit (it is aborted, or the producer
   *     is fenced): nothing of it is visible
   * @throws UjiKafkaException for a permanent failure (serialization, a record too large,
   *     authorization, a missing topic)
   */
  void commit(BatchCommit batch, boolean defer) {
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    try {
      beginIfNeeded();
      long time = batch.batchTimeMs();
      batch.drainChanges(change -> send(change, time, sendFailure));
      for (InputRange r : batch.ranges()) {
        pendingOffsets.merge(PartitionIds.parse(r.partition()), r.until(), Math::max);
      }
      if (defer) {
        return;
      }
      if (holdsRecords) {
        recommitUnreadGroups(batch.groups());
      }
      if (!pendingOffsets.isEmpty()) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        pendingOffsets.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        producer.sendOffsetsToTransaction(offsets, groupMetadata.get());
      }
      commitTransaction();
      open = false;
      inputPositions.putAll(pendingOffsets);
      pendingOffsets.clear();
      synchronized (committed) {
        sent.forEach((op, a) -> {
          long[] c = committed.get(op);
          for (int g = 0; g < groups; g++) {
            c[g] = Math.max(c[g], a.get(g));
          }
        });
      }
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      open = false;
      pendingOffsets.clear();
      replaceBeforeNextTransaction = true; // a fenced producer can do nothing more: a new one, a new epoch
      throw new GroupCommitException(GroupCommitException.Kind.FENCED, "The group producer " + transactionalId
          + " was fenced (another instance with the same id, or the group's failure detector): batch "
          + batch.batchTimeMs() + " is not committed", e);
    } catch (org.apache.kafka.common.errors.InvalidTxnStateException e) {
      // The coordinator no longer holds this transaction as open (it aborted it on its timeout, or
      // lost it with a broker restart): it did not commit. As a fence: a new producer (a new epoch
      // that ends whatever is left of it) and a reset to what the group committed, which is right
      // whatever the transaction's fate.
      open = false;
      throw new GroupCommitException(GroupCommitException.Kind.FENCED, "The transaction of " + transactionalId
          + " for batch " + batch.batchTimeMs() + " is no longer open on its coordinator (" + e.getMessage()
          + "): not committed", e);
    } catch (CommitFailedException | FencedInstanceIdException | UnknownMemberIdException
        | IllegalGenerationException e) {
      abortQuietly();
      throw new GroupCommitException(GroupCommitException.Kind.REMOVED, "The group coordinator refused the offsets of "
          + transactionalId + " (no longer the member it knows): batch " + batch.batchTimeMs() + " is aborted", e);
    } catch (KafkaException e) {
      Exception first = sendFailure.get();
      if (first instanceof org.apache.kafka.common.errors.RetriableException || first == null && isAbortable(e)) {
        abortQuietly();
        throw new GroupCommitException(GroupCommitException.Kind.ABORTED, "The transaction of " + transactionalId
            + " for batch " + batch.batchTimeMs() + " is aborted: " + e.getMessage(), first == null ? e : first);
      }
      abortQuietly();
      throw new UjiKafkaException("Cannot commit batch " + batch.batchTimeMs() + " of " + transactionalId + ": "
          + (first == null ? e : first).getMessage(), first == null ? e : first);
    }
  }

  /**
   * Design 6.1's invariant: every transaction that writes for a key group also commits offsets of
   * that group's partitions with the current generation, so that a member that lost the group
   * (paused, removed) cannot commit it. A group the batches computed without reading it (timeouts
   * fired, stateSnapshots) gets its current positions again, unchanged. Only groups running here:
   * another owner's offsets must never be overwritten.
   */
  private void recommitUnreadGroups(java.util.Set<Integer> groups) {
    for (int g : groups) {
      for (String topic : inputTopics) {
        TopicPartition tp = new TopicPartition(topic, g);
        Long position = inputPositions.get(tp);
        if (position != null) {
          pendingOffsets.putIfAbsent(tp, position);
        }
      }
    }
  }

  /**
   * Records where the input of a key group this instance now runs starts (from the membership
   * thread, when it activates the group).
   *
   * @param start per partition id, the committed offset it starts from
   */
  void inputStarted(Map<String, Long> start) {
    start.forEach((id, offset) -> inputPositions.put(PartitionIds.parse(id), offset));
  }

  private static boolean isAbortable(KafkaException e) {
    return e instanceof org.apache.kafka.common.errors.RetriableException
        || e instanceof org.apache.kafka.common.errors.TransactionAbortableException
        || e instanceof org.apache.kafka.common.errors.TimeoutException;
  }

  /** A commit that times out may be retried (its outcome is unknown until one answers). */
  private void commitTransaction() {
    Deadline deadline = Deadline.in(transactionTimeout);
    while (true) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (deadline.remainingMs() <= 1) {
          throw e;
        }
        LOG.warn("Commit of {} timed out; retrying", transactionalId);
      }
    }
  }

  private void send(StateChange change, long time, AtomicReference<Exception> failure) {
    String topic = changelogs.get(change.operator());
    if (topic == null) {
      throw new IllegalStateException("no changelog for stateful operator '" + change.operator() + "'");
    }
    // ProducerRecord copies the headers into its own object: pass none rather than an empty one.
    List<Header> headers = change.filedAt() < 0 ? null
        : List.of(new RecordHeader(FILED_AT_HEADER, ByteBuffer.allocate(8).putLong(change.filedAt()).array()));
    holdsRecords = true;
    AtomicLongArray positions = sent.get(change.operator());
    int group = change.group();
    producer.send(new ProducerRecord<>(topic, group, time, change.key(), change.value(), headers), (md, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      } else {
        positions.accumulateAndGet(group, md.offset() + 1, Math::max);
      }
    });
  }

  /**
   * @return the changelog positions as of the last commit (one past the last offset written per
   *     operator and group; groups never written here keep the start positions, -1 if none)
   */
  ChangelogPositions positions() {
    Map<String, long[]> p = new HashMap<>();
    synchronized (committed) {
      committed.forEach((op, c) -> p.put(op, c.clone()));
    }
    return new ChangelogPositions(topicIds, p);
  }

  /**
   * Records that the local state of {@code group} now equals the changelog of {@code operator} up
   * to {@code position} (a restore, from the membership thread).
   */
  void restored(String operator, int group, long position) {
    synchronized (committed) {
      committed.get(operator)[group] = position;
    }
  }

  /** @return whether a transaction is open (a deferred batch, or sends of the current one) */
  boolean transactionOpen() {
    return open;
  }

  /**
   * Aborts the open transaction, if any, with every batch deferred into it (a failed commit, or the
   * engine reset its groups: nothing computed before may commit, design 7.4). If the abort fails
   * (the producer may be fenced, the broker away), the producer is replaced before the next
   * transaction: the new one's {@code initTransactions} bumps the epoch, which aborts the old
   * transaction on the broker and fences the old producer, so that it can never commit either.
   */
  void abortQuietly() {
    if (!open || producer == null) {
      open = false;
      return;
    }
    open = false;
    pendingOffsets.clear();
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      LOG.warn("Abort of the transaction of {} failed ({}); a new producer runs the next transaction",
          transactionalId, e.toString());
      replaceBeforeNextTransaction = true;
    }
  }

  private void closeProducer(Duration timeout) {
    if (producer != null) {
      producer.close(timeout);
      producer = null;
    }
  }

  @Override
  public void close() {
    abortQuietly();
    closeProducer(Duration.ofSeconds(5));
  }
}
