package io.uji.kafka;

import io.uji.engine.cluster.ChangelogPositions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at start which copies of a local checkpoint may be continued (docs/design/scale-out.md
 * 7.2): a copy of (operator, group) is kept at its position only if its changelog topic has the
 * id it had at the capture, {@code log start <= position <= end}, and the copy is younger than the
 * topic's {@code delete.retention.ms} minus one hour (compaction keeps a tombstone that long: an
 * older copy could miss a deletion; a copy's age is bounded by the time before which the engine
 * says its position was not reached, which a dormant copy keeps across checkpoints). Every other copy is dropped (position -1): its group
 * is wiped and read from the log start when it is restored or tailed. A copy wrongly kept would
 * be silent state loss, so anything unknown drops it.
 */
final class LocalCopies {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCopies.class);
  /** The margin under delete.retention.ms within which a copy is trusted (design 7.2). */
  static final Duration TOMBSTONE_MARGIN = Duration.ofHours(1);

  private LocalCopies() {}

  /**
   * @param changelogs per operator, its changelog topic
   * @param topicIds per operator, its topic's id now
   * @param restored the checkpoint's positions
   * @param reachedAfterMs per operator and group, a wall time before which the copy had not reached its position
   * @return the positions of the copies that may be continued; -1 for the others
   */
  static ChangelogPositions check(Admin admin, Duration timeout, Map<String, String> changelogs,
      Map<String, String> topicIds, int groups, ChangelogPositions restored,
      java.util.function.ToLongBiFunction<String, Integer> reachedAfterMs, long nowMs) {
    Map<String, long[]> kept = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (Map.Entry<String, String> e : changelogs.entrySet()) {
      for (int g = 0; g < groups; g++) {
        earliest.put(new TopicPartition(e.getValue(), g), OffsetSpec.earliest());
        latest.put(new TopicPartition(e.getValue(), g), OffsetSpec.latest());
      }
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = get(admin.listOffsets(earliest).all(), timeout);
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = get(admin.listOffsets(latest).all(), timeout);
    Map<String, Long> retention = deleteRetentionMs(admin, timeout, changelogs.values());
    List<String> dropped = new ArrayList<>();
    for (Map.Entry<String, String> e : changelogs.entrySet()) {
      String op = e.getKey();
      long[] p = new long[groups];
      String whyAll = null;
      String localId = restored.topicIds().get(op);
      if (localId == null || !localId.equals(topicIds.get(op))) {
        whyAll = "the topic's id " + topicIds.get(op) + " is not the checkpoint's " + localId + " (recreated)";
      }
      long trustedForMs = retention.getOrDefault(e.getValue(), -1L) - TOMBSTONE_MARGIN.toMillis();
      for (int g = 0; g < groups; g++) {
        long position = restored.position(op, g);
        p[g] = -1;
        if (position < 0) {
          continue;
        }
        TopicPartition tp = new TopicPartition(e.getValue(), g);
        long since = reachedAfterMs.applyAsLong(op, g);
        long ageMs = nowMs - since;
        String why = whyAll != null ? whyAll
            : since < 0 || ageMs < 0 || ageMs >= trustedForMs
                ? "the copy may be " + ageMs + " ms old, not younger than delete.retention.ms "
                    + retention.get(e.getValue()) + " minus " + TOMBSTONE_MARGIN
                : ChangelogRestorer.trust(position, starts.get(tp).offset(), ends.get(tp).offset(), topicIds.get(op),
                    localId);
        if (why == null) {
          p[g] = position;
        } else {
          dropped.add(op + "/" + g + ": " + why);
        }
      }
      kept.put(op, p);
    }
    if (!dropped.isEmpty()) {
      LOG.warn("Local copies not continued (wiped and read from the log start when needed): {}", dropped);
    }
    return new ChangelogPositions(topicIds, kept);
  }

  private static Map<String, Long> deleteRetentionMs(Admin admin, Duration timeout, java.util.Collection<String> topics) {
    List<ConfigResource> resources = new ArrayList<>();
    topics.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
    Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all(), timeout);
    Map<String, Long> out = new HashMap<>();
    configs.forEach((r, c) -> {
      var entry = c.get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
      if (entry != null && entry.value() != null) {
        out.put(r.name(), Long.parseLong(entry.value()));
      }
    });
    return out;
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot check the local checkpoint's copies: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Cannot check the local checkpoint's copies: no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted checking the local checkpoint's copies", e);
    }
  }
}
