package io.uji.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changelog topics of a group's stateful operators: their names, their creation as compacted
 * topics with the input's partition count (partition g holds key group g's changes), and the
 * check of an existing one (design: docs/design/scale-out.md, section 3).
 *
 * <p>Every instance calls {@link #ensure} at start: the first creates the topics, a concurrent
 * creation by another instance is harmless, and each checks what exists, so that a changelog
 * with another partition count (keys would land in other groups) or a delete policy (keys would
 * be lost) stops the start with a message saying what to do.
 */
final class ChangelogTopics {
  private static final Logger LOG = LoggerFactory.getLogger(ChangelogTopics.class);
  /** Kafka's rule for topic names ({@code Topic.validate}). */
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_NAME = 249;
  static final String SUFFIX = "-changelog";
  /** Segments of 64 MiB: the active segment is never compacted, so it bounds what a restore reads twice. */
  static final int SEGMENT_BYTES = 64 << 20;

  private final Admin admin;
  private final Duration timeout;
  private final short replicationFactor;
  private final Map<String, String> extraConfig;

  /**
   * @param replicationFactor the new topics' replication factor, -1 for the broker's default
   * @param extraConfig topic configurations added to (or overriding) the defaults of new topics
   */
  ChangelogTopics(Admin admin, Duration timeout, short replicationFactor, Map<String, String> extraConfig) {
    this.admin = admin;
    this.timeout = timeout;
    this.replicationFactor = replicationFactor;
    this.extraConfig = Map.copyOf(extraConfig);
  }

  /**
   * @return {@code <applicationId>-<operatorName>-changelog}
   * @throws IllegalArgumentException if the name has a character Kafka topics forbid or is longer
   *     than Kafka allows, naming the operator
   */
  static String name(String applicationId, String operatorName) {
    String name = applicationId + "-" + operatorName + SUFFIX;
    if (!LEGAL.matcher(applicationId).matches() || !LEGAL.matcher(operatorName).matches()) {
      throw new IllegalArgumentException("The changelog topic of stateful operator '" + operatorName
          + "' in application '" + applicationId + "' would be '" + name
          + "': application ids and operator names in a group may use only [a-zA-Z0-9._-]");
    }
    if (name.length() > MAX_NAME) {
      throw new IllegalArgumentException("The changelog topic of stateful operator '" + operatorName
          + "' would be " + name.length() + " characters long, over Kafka's " + MAX_NAME
          + ": use a shorter application id or operator name");
    }
    return name;
  }

  /** @return the configuration of a new changelog topic */
  Map<String, String> newTopicConfig() {
    Map<String, String> c = new HashMap<>();
    c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    c.put(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(SEGMENT_BYTES));
    c.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0");
    c.putAll(extraConfig);
    return c;
  }

  /**
   * Creates the missing topics and checks all of them.
   *
   * @param partitions P, the input topics' partition count
   * @return each topic's id (a topic deleted and created again has another)
   * @throws UjiKafkaException if a topic has another partition count or is not compacted, or the
   *     broker does not answer within the timeout
   */
  Map<String, Uuid> ensure(Collection<String> topics, int partitions) {
    Map<String, TopicDescription> existing = describe(topics);
    List<NewTopic> missing = new ArrayList<>();
    for (String t : topics) {
      if (!existing.containsKey(t)) {
        missing.add(new NewTopic(t, Optional.of(partitions),
            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor)).configs(newTopicConfig()));
      }
    }
    if (!missing.isEmpty()) {
      Map<String, KafkaFuture<Void>> created = admin.createTopics(missing).values();
      for (Map.Entry<String, KafkaFuture<Void>> e : created.entrySet()) {
        try {
          get(e.getValue(), "create changelog topic '" + e.getKey() + "'");
          LOG.info("Created changelog topic {} ({} partitions, compacted)", e.getKey(), partitions);
        } catch (UjiKafkaException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw ex;
          }
          // another instance created it first: checked below like any existing topic
        }
      }
      existing = describeOnceVisible(topics);
    }
    Map<String, Uuid> ids = new LinkedHashMap<>();
    for (String t : topics) {
      TopicDescription d = existing.get(t);
      if (d == null) {
        throw new UjiKafkaException("Changelog topic '" + t + "' is not visible " + timeout + " after it was created");
      }
      if (d.partitions().size() != partitions) {
        throw new UjiKafkaException("Changelog topic '" + t + "' has " + d.partitions().size()
            + " partitions but the input has " + partitions + ": its key groups would not match."
            + " The input's partition count cannot change for a group's state; use a new applicationId"
            + " (and stateDir), or delete the changelog if the state may be lost");
      }
      ids.put(t, d.topicId());
    }
    checkCompacted(topics);
    return ids;
  }

  private void checkCompacted(Collection<String> topics) {
    List<ConfigResource> resources = new ArrayList<>();
    for (String t : topics) {
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
    }
    Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all(), "describe changelog topics " + topics);
    for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
      var policy = e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG);
      String value = policy == null ? "" : policy.value();
      if (!List.of(value.split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new UjiKafkaException("Changelog topic '" + e.getKey().name() + "' has cleanup.policy=" + value
            + ": a changelog must be compacted (cleanup.policy=compact), or the state of keys not updated"
            + " within its retention would be lost. Change the topic's policy or delete the topic");
      }
    }
  }

  /**
   * Describes topics just created: a new topic's metadata reaches the broker answering a little
   * later than the creation's answer, so an absent one is asked for again until the timeout.
   */
  private Map<String, TopicDescription> describeOnceVisible(Collection<String> topics) {
    Deadline deadline = Deadline.in(timeout);
    Backoff backoff = new Backoff(Duration.ofSeconds(1));
    while (true) {
      Map<String, TopicDescription> found = describe(topics);
      if (found.size() == topics.size() || deadline.remainingMs() <= 1) {
        return found;
      }
      try {
        Thread.sleep(Math.min(backoff.nextMs(), deadline.remainingMs()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UjiKafkaException("Interrupted while waiting for new changelog topics " + topics, e);
      }
    }
  }

  /** @return the descriptions of the topics that exist */
  private Map<String, TopicDescription> describe(Collection<String> topics) {
    Map<String, TopicDescription> out = new HashMap<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> e : admin.describeTopics(topics).topicNameValues().entrySet()) {
      try {
        out.put(e.getKey(), get(e.getValue(), "describe changelog topic '" + e.getKey() + "'"));
      } catch (UjiKafkaException ex) {
        if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw ex;
        }
      }
    }
    return out;
  }

  private <T> T get(KafkaFuture<T> f, String operation) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new UjiKafkaException("Cannot " + operation + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new UjiKafkaException("Cannot " + operation + ": no answer from the brokers within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UjiKafkaException("Interrupted: " + operation, e);
    }
  }
}
