package io.uji.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Uji jar names its module in its manifest ({@code Automatic-Module-Name}), so that users
 * on the module path get stable names. Checked on the jars this module's tests run against,
 * which are jars only from {@code package} on ({@code mvn verify}); a {@code mvn test} run sees
 * class directories and skips this.
 */
class ModuleNamesTest {
  private static final Pattern UJI_JAR = Pattern.compile("/(uji-[a-z-]+)-[^/]*\\.jar!/META-INF/MANIFEST\\.MF$");

  @Test
  void everyUjiJarNamesItsModule() throws IOException {
    Map<String, String> names = new TreeMap<>();
    for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
      Matcher m = UJI_JAR.matcher(url.toString());
      if (m.find()) {
        try (InputStream in = url.openStream()) {
          names.put(m.group(1), new Manifest(in).getMainAttributes().getValue("Automatic-Module-Name"));
        }
      }
    }
    assumeTrue(!names.isEmpty(), "the Uji modules are class directories here, not jars");
    assertEquals(Map.ofEntries(
        Map.entry("uji-benchmarks", "io.uji.bench"),
        Map.entry("uji-checkpoint", "io.uji.checkpoint"),
        Map.entry("uji-engine", "io.uji.streaming"),
        Map.entry("uji-examples", "io.uji.examples"),
        Map.entry("uji-kafka", "io.uji.kafka"),
        Map.entry("uji-kafka-local", "io.uji.kafka.local"),
        Map.entry("uji-metrics", "io.uji.metrics"),
        Map.entry("uji-serde", "io.uji.serde"),
        Map.entry("uji-sql", "io.uji.sql"),
        Map.entry("uji-state", "io.uji.state"),
        Map.entry("uji-status", "io.uji.status")), names);
  }
}
