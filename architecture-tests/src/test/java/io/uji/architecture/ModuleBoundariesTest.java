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
  /** The Kafka module (kafka-local's io.uji.kafka.local is a test helper, not part of it). */
  private static final String KAFKA = "io.uji.kafka";

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
      .layer("kafka").definedBy(KAFKA)
      .layer("examples").definedBy("io.uji.examples..")
      .layer("benchmarks").definedBy("io.uji.bench..")
      .whereLayer("benchmarks").mayNotBeAccessedByAnyLayer()
      .whereLayer("examples").mayOnlyBeAccessedByLayers("benchmarks")
      .whereLayer("kafka").mayOnlyBeAccessedByLayers("examples", "benchmarks")
      .whereLayer("engine").mayOnlyBeAccessedByLayers("kafka", "examples", "benchmarks")
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
          .and(not(resideInAnyPackage("io.uji.streaming", KAFKA, "io.uji.examples.."))))
      .because("the examples are what a user writes: io.uji.streaming is the whole API (io.uji.kafka that of the "
          + "Kafka module)");

  @ArchTest
  static final ArchRule kafkaUsesOnlyThePublicApi = noClasses()
      .that().resideInAPackage(KAFKA)
      .should().dependOnClassesThat(resideInAPackage("io.uji..")
          .and(not(resideInAnyPackage("io.uji.streaming", KAFKA))))
      .because("the Kafka module is an integration any user could write: io.uji.streaming is the whole API, so "
          + "the core never depends on Kafka and its internals stay free to change");

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
