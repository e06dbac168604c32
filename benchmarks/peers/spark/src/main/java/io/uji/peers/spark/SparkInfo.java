package io.uji.peers.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Spark facts for the RESULT line. */
final class SparkInfo {
  private SparkInfo() {}

  /** @return "spark-" + the Spark version on the classpath: the RESULT line's {@code system=} */
  static String system() {
    Properties p = new Properties();
    try (InputStream in = SparkInfo.class.getClassLoader().getResourceAsStream("spark-version-info.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // "unknown" below: the version is a label, not a figure
    }
    return "spark-" + p.getProperty("version", "unknown");
  }

  /** @return a BatchInfo delay in ms, -1 when Spark has none */
  static long ms(scala.Option<Object> delay) {
    return delay.isDefined() ? (Long) delay.get() : -1L;
  }
}
