package io.uji.kafka.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link LocalKafkaBroker} (or a {@link LocalKafkaBrokerProcess}).
 *
 * @param dataDir where the broker keeps its logs and metadata; {@code null} means a fresh
 *     temporary directory that is deleted when the broker is closed. A given directory is
 *     formatted on the first start and reused as it is afterwards (it outlives the broker)
 * @param port the port of the client listener on 127.0.0.1; 0 lets the system pick a free port
 *     on the first start, which every restart then reuses
 * @param extraProperties broker properties that override or add to {@link BrokerConfig}'s
 *     single-node settings (for example {@code log.retention.ms})
 */
public record BrokerSettings(Path dataDir, int port, Map<String, String> extraProperties) {

  /**
   * @throws IllegalArgumentException if the port is outside 0..65535
   */
  public BrokerSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, got " + port);
    }
    extraProperties = Map.copyOf(Objects.requireNonNull(extraProperties, "extraProperties"));
  }

  /** A temporary data directory, a free port, no extra properties. */
  public static BrokerSettings defaults() {
    return new BrokerSettings(null, 0, Map.of());
  }

  /** These settings with the broker's data kept in {@code dir} (created if missing, never deleted). */
  public BrokerSettings withDataDir(Path dir) {
    return new BrokerSettings(Objects.requireNonNull(dir, "dir"), port, extraProperties);
  }

  /** These settings with the client listener on {@code newPort} (0 = a free one). */
  public BrokerSettings withPort(int newPort) {
    return new BrokerSettings(dataDir, newPort, extraProperties);
  }

  /** These settings with one more broker property (replacing an earlier value of the same key). */
  public BrokerSettings withProperty(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(extraProperties);
    more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new BrokerSettings(dataDir, port, more);
  }
}
