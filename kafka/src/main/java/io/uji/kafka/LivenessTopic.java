package io.uji.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's liveness topic (design 3 and 10): {@code <applicationId>-uji-liveness}, one
 * partition that every instance's {@link LivenessBeacon} writes to and every {@link
 * FailureDetector} reads from its end. Beacons are worth nothing after a few seconds, so the topic
 * deletes them after an hour ({@code cleanup.policy=delete}) instead of compacting them.
 */
final class LivenessTopic {
  private static final Logger LOG = LoggerFactory.getLogger(LivenessTopic.class);
  static final String SUFFIX = "-uji-liveness";
  static final long RETENTION_MS = 3_600_000L;

  private LivenessTopic() {}

  /** @return {@code <applicationId>-uji-liveness} (the application id is checked by {@link ChangelogTopics#name}) */
  static String name(String applicationId) {
    return applicationId + SUFFIX;
  }

  /**
   * Creates the topic if it is missing (another instance creating it at the same time is harmless).
   *
   * @param replicationFactor -1 for the broker's default
   * @throws UjiKafkaException if the broker does not answer within {@code timeout} or refuses
   */
  static String ensure(Admin admin, String applicationId, short replicationFactor, Duration timeout) {
    String topic = name(applicationId);
    NewTopic t = new NewTopic(topic, Optional.of(1),
        replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION_MS)));
    try {
      admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("Created liveness topic {}", topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new UjiKafkaException("Cannot create liveness topic '" + topic + "': " + e.getCause().getMessage(),
            e.getCause());
      }
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Cannot create liveness topic '" + topic + "': no answer from the brokers within "
          + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted while creating liveness topic '" + topic + "'", e);
    }
    return topic;
  }
}
