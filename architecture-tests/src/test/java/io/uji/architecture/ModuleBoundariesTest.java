package io.uji.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The module boundaries of docs/ARCHITECTURE.md, over the production classes of every module:
 * dependencies point one way, RocksDB and Kryo stay inside the module that owns them, the
 * engine's operators do not reach into its runtime, and the Kafka module and the examples use
 * only the public API.
 */
@AnalyzeClasses(packages = "io.uji", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {
  private static final String SERDE = "io.uji.serde..";
  private static final String STATE = "io.uji.state..";
  private static final String CHECKPOINT = "io.uji.checkpoint..";
  private static final String KRYO = "com.esotericsoftware..";
  /** uji-metrics, uji-sql, uji-status: optional integrations, each with its own dependency. */
  private static final String[] OPTIONAL_MODULES = {"io.uji.metrics..", "io.uji.sql..", "io.uji.status.."};
  /** The Kafka module (kafka-local's io.uji.kafka.local is a test helper, not part of it). */
  private static final String KAFKA = "io.uji.kafka";
  /** The engine's internal seam for a group membership (implemented by the Kafka module). */
  private static final String CLUSTER_SPI = "io.uji.engine.cluster";

  /**
   * Classes outside serde that still use Kryo types, each to be removed by work under way:
   * {@code StateSerialization} writes the engine's {@code TimedState} with a Kryo {@code
   * Serializer}. Remove an entry once its class no longer needs it: {@link
   * #knownKryoLeaksAreStillThere} fails until then, so the list only shrinks.
   */
  static final Set<String> KNOWN_KRYO_LEAKS = Set.of(
      "io.uji.engine.state.StateSerialization");

  @ArchTest
  static final ArchRule dependenciesPointOneWay = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("serde").definedBy(SERDE)
      .layer("state").definedBy(STATE)
      .layer("checkpoint").definedBy(CHECKPOINT)
      .layer("engine").definedBy("io.uji.streaming..", "io.uji.engine..")
      .layer("optional modules").definedBy(OPTIONAL_MODULES)
      .layer("kafka").definedBy(KAFKA)
      .layer("examples").definedBy("io.uji.examples..")
      .layer("benchmarks").definedBy("io.uji.bench..")
      .whereLayer("benchmarks").mayNotBeAccessedByAnyLayer()
      .whereLayer("examples").mayOnlyBeAccessedByLayers("benchmarks")
      .whereLayer("optional modules").mayOnlyBeAccessedByLayers("examples", "benchmarks")
      .whereLayer("kafka").mayOnlyBeAccessedByLayers("examples", "benchmarks")
      .whereLayer("engine").mayOnlyBeAccessedByLayers("optional modules", "kafka", "examples", "benchmarks")
      // state and checkpoint do not know each other; serde knows neither.
      .whereLayer("state").mayOnlyBeAccessedByLayers("engine", "benchmarks")
      .whereLayer("checkpoint").mayOnlyBeAccessedByLayers("engine", "benchmarks")
      .whereLayer("serde").mayOnlyBeAccessedByLayers("state", "checkpoint", "engine", "benchmarks")
      .because("engine -> state, checkpoint -> serde: a module never depends on one above it");

  @ArchTest
  static final ArchRule onlyStateUsesRocksDb = noClasses()
      .that().resideOutsideOfPackage(STATE)
      .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
      .because("the state module owns every RocksDB handle");

  @ArchTest
  static final ArchRule onlySerdeUsesKryo = noClasses()
      .that().resideOutsideOfPackage(SERDE)
      .and(not(knownKryoLeak()))
      .should().dependOnClassesThat().resideInAPackage(KRYO)
      .because("serde is the only place that configures and calls Kryo; other modules see Serde and bytes");

  @ArchTest
  static final ArchRule operatorsDoNotReachIntoTheRuntime = noClasses()
      .that().resideInAnyPackage("io.uji.engine.graph..", "io.uji.engine.ops..", "io.uji.engine.state..")
      .should().dependOnClassesThat().resideInAPackage("io.uji.engine.runtime..")
      .because("the runtime runs the graph; the graph's nodes get what they need through StateBinding");

  @ArchTest
  static final ArchRule examplesUseOnlyThePublicApi = noClasses()
      .that().resideInAPackage("io.uji.examples..")
      .should().dependOnClassesThat(resideInAPackage("io.uji..")
          .and(not(resideInAnyPackage("io.uji.streaming", "io.uji.metrics", KAFKA, "io.uji.examples.."))))
      .because("the examples are what a user writes: io.uji.streaming is the whole API, plus uji-metrics'"
          + " UjiMetrics (the status page and SQL need no code: withStatusPort and ssc.sql find them) and"
          + " io.uji.kafka, the API of the Kafka module");

  /**
   * The optional modules see a context through the public API and the engine's one narrow
   * internal hook, {@code io.uji.engine.hooks} (observers, a context view, the providers found by
   * ServiceLoader), never through the engine's other internals or the modules below it.
   */
  @ArchTest
  static final ArchRule optionalModulesUseOnlyTheApiAndTheHooks = noClasses()
      .that().resideInAnyPackage(OPTIONAL_MODULES)
      .should().dependOnClassesThat(resideInAPackage("io.uji..")
          .and(not(resideInAnyPackage("io.uji.streaming", "io.uji.engine.hooks", "io.uji.metrics..", "io.uji.sql..",
              "io.uji.status.."))))
      .because("an optional module may break only through the hook it uses, not through every internal");

  @ArchTest
  static final ArchRule optionalModulesDoNotUseEachOther = noClasses()
      .that().resideInAnyPackage(OPTIONAL_MODULES)
      .should(new com.tngtech.archunit.lang.ArchCondition<JavaClass>("depend on another optional module") {
        @Override
        public void check(JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
          String own = module(c.getPackageName());
          c.getDirectDependenciesFromSelf().stream()
              .filter(d -> d.getTargetClass().getPackageName().startsWith("io.uji."))
              .filter(d -> module(d.getTargetClass().getPackageName()) != null)
              .filter(d -> !own.equals(module(d.getTargetClass().getPackageName())))
              .forEach(d -> events.add(com.tngtech.archunit.lang.SimpleConditionEvent.satisfied(d, d.getDescription())));
        }
      })
      .because("each is optional on its own: the status page reaches SQL through ssc.sql, not uji-sql's classes");

  private static String module(String pkg) {
    for (String m : new String[] {"io.uji.metrics", "io.uji.sql", "io.uji.status"}) {
      if (pkg.equals(m) || pkg.startsWith(m + ".")) {
        return m;
      }
    }
    return null;
  }

  @ArchTest
  static final ArchRule onlyUjiMetricsUsesMicrometer = noClasses()
      .that().resideOutsideOfPackage("io.uji.metrics..")
      .and(not(resideInAnyPackage("io.uji.examples..", "io.uji.bench..")))
      .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
      .because("Micrometer is optional: the engine reports through io.uji.engine.hooks and pays nothing without it");

  @ArchTest
  static final ArchRule onlyUjiSqlUsesDuckDb = noClasses()
      .that().resideOutsideOfPackage("io.uji.sql..")
      .should().dependOnClassesThat().resideInAPackage("org.duckdb..")
      .because("DuckDB is an 80 MB optional jar; only uji-sql loads it");

  @ArchTest
  static final ArchRule onlyUjiStatusServesHttp = noClasses()
      .that().resideOutsideOfPackage("io.uji.status..")
      .and().resideOutsideOfPackage("io.uji.examples..") // the demo serves its Prometheus text
      .should().dependOnClassesThat().resideInAPackage("com.sun.net.httpserver..")
      .because("the status page is optional and the engine opens no port");

  @ArchTest
  static final ArchRule kafkaUsesOnlyThePublicApi = noClasses()
      .that().resideInAPackage(KAFKA)
      .should().dependOnClassesThat(resideInAPackage("io.uji..")
          .and(not(resideInAnyPackage("io.uji.streaming", CLUSTER_SPI, KAFKA))))
      .because("the Kafka module is an integration any user could write: io.uji.streaming is the whole API, so "
          + "the core never depends on Kafka and its internals stay free to change; a group's membership reaches"
          + " the engine through the one internal seam made for it, io.uji.engine.cluster");

  @ArchTest
  static final ArchRule theClusterSpiNamesNoKafkaType = noClasses()
      .that().resideInAPackage(CLUSTER_SPI)
      .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
      .because("io.uji.engine.cluster is the seam between the engine and a membership: the engine never depends on"
          + " Kafka (docs/design/scale-out.md 16)");

  @ArchTest
  static final ArchRule onlyTheKafkaModuleAndTheEngineUseTheClusterSpi = noClasses()
      .that().resideOutsideOfPackages("io.uji.engine..", "io.uji.streaming", KAFKA)
      .should().dependOnClassesThat().resideInAPackage(CLUSTER_SPI)
      .because("the cluster SPI is internal: optional modules, examples and benchmarks use the public API");

  @ArchTest
  static final ArchRule onlyTheApiInstallsItsSharedSecrets = noClasses()
      .that().resideOutsideOfPackage("io.uji.streaming")
      .should().callMethod("io.uji.engine.access.SharedSecrets", "setStreamingAccess",
          "io.uji.engine.access.StreamingAccess")
      .because("the API package installs the one StreamingAccess when Dataset is initialized");

  @ArchTest
  static void knownKryoLeaksAreStillThere(JavaClasses classes) {
    for (String name : KNOWN_KRYO_LEAKS) {
      assertTrue(classes.contain(name), name + " is gone: remove it from KNOWN_KRYO_LEAKS");
      boolean usesKryo = classes.stream()
          .filter(c -> topLevel(c).getName().equals(name))
          .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
          .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("com.esotericsoftware"));
      assertTrue(usesKryo, name + " no longer uses Kryo: remove it from KNOWN_KRYO_LEAKS");
    }
  }

  private static DescribedPredicate<JavaClass> knownKryoLeak() {
    return DescribedPredicate.describe("are known Kryo leaks", c -> KNOWN_KRYO_LEAKS.contains(topLevel(c).getName()));
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }
}
