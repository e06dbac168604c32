package io.uji.kafka.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Formats a broker's log directory on its first start: what {@code kafka-storage.sh format} does
 * (meta.properties with a new cluster id and the node id, and the bootstrap metadata: the latest
 * production metadata version and the default feature levels, so transactions version 2 and the
 * consumer group protocol are on). A directory formatted before is left as it is, so its topics
 * and offsets survive a restart.
 */
final class Storage {
  private Storage() {}

  /** True if the log directory holds a meta.properties (it was formatted). */
  static boolean isFormatted(Path logDir) {
    return Files.exists(logDir.resolve("meta.properties"));
  }

  /**
   * Formats {@code logDir} unless it was formatted before.
   *
   * @throws LocalKafkaException if the directory cannot be created or formatted
   */
  static void formatIfNeeded(Path logDir) {
    if (isFormatted(logDir)) {
      return;
    }
    try {
      Files.createDirectories(logDir);
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .setNodeId(BrokerConfig.NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setControllerListenerName(BrokerConfig.CONTROLLER_LISTENER)
          .run();
    } catch (Exception e) {
      throw new LocalKafkaException("Cannot format the Kafka log directory " + logDir, e);
    }
  }
}
