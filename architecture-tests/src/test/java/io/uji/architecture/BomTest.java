package io.uji.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uji.architecture.ProjectPoms.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code uji-bom} pins exactly the artifacts Uji publishes, at the project's version: every jar
 * module of the root pom except those that skip deployment ({@code maven.deploy.skip}: the
 * tests, examples and benchmarks), so that a module added to the build is not forgotten in the
 * BOM, and a module dropped or made test-only leaves it. Every jar module names its module for
 * the module path ({@code uji.module.name}, which the parent pom writes as
 * {@code Automatic-Module-Name}), and no two modules share a name.
 */
class BomTest {
  private static final String BOM = "bom";

  @Test
  void bomListsExactlyThePublishedModulesAtTheProjectVersion() {
    String version = ProjectPoms.rootVersion();
    assertEquals(version, ProjectPoms.version(BOM), "the BOM's version");

    List<String> published = new ArrayList<>();
    for (String dir : ProjectPoms.modules()) {
      Module m = ProjectPoms.module(dir);
      if (m.published()) {
        published.add("io.uji:" + m.artifactId() + ":${project.version}");
      }
    }
    assertEquals(new TreeSet<>(published), new TreeSet<>(ProjectPoms.bomEntries(BOM)),
        "bom/pom.xml must list every published module (and only those)");
  }

  @Test
  void everyJarModuleHasItsOwnModuleName() {
    Map<String, String> missing = new TreeMap<>();
    Map<String, String> byName = new TreeMap<>();
    List<String> shared = new ArrayList<>();
    for (String dir : ProjectPoms.modules()) {
      Module m = ProjectPoms.module(dir);
      if (!m.packaging().equals("jar")) {
        continue;
      }
      if (m.moduleName() == null || m.moduleName().isBlank()) {
        missing.put(dir, "no uji.module.name");
      } else if (byName.put(m.moduleName(), dir) != null) {
        shared.add(m.moduleName());
      }
    }
    assertEquals(Map.of(), missing, "jar modules without a module name (Automatic-Module-Name)");
    assertEquals(List.of(), shared, "module names used by two modules");
  }
}
