package io.uji.kafka.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives test classes one {@link LocalKafkaBroker} for the whole test
 * run (the JVM of a surefire fork): started by the first class that asks, closed when the run
 * ends. A broker start costs ~1 s once the JVM has loaded Kafka's classes (the first start in a
 * JVM takes several seconds more); sharing one saves that per class.
 *
 * <pre>{@code
 * @ExtendWith(SharedLocalKafkaBroker.class)
 * class KafkaSourceTest {
 *   private static LocalKafkaBroker broker;
 *
 *   @BeforeAll
 *   static void setUp(LocalKafkaBroker shared) {
 *     broker = shared;
 *   }
 * }
 * }</pre>
 *
 * <p>Rules for the classes that share it: each test uses its own topic names, group ids and
 * transactional ids (the broker keeps everything earlier tests wrote); {@link
 * LocalKafkaBroker#restart()} is fine (data and address survive); never {@code stop()} without a
 * restart, nor {@code close()} it. A test that needs other broker properties or a crash starts its
 * own broker.
 */
public final class SharedLocalKafkaBroker implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(SharedLocalKafkaBroker.class);

  /** Made by JUnit for {@code @ExtendWith}; the broker itself is shared by all instances. */
  public SharedLocalKafkaBroker() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalKafkaBroker.class;
  }

  @Override
  public LocalKafkaBroker resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Running.class, key -> new Running(LocalKafkaBroker.start()), Running.class)
        .broker;
  }

  /** Closes the broker when JUnit closes the root store (its AutoCloseable values), at the end of the run. */
  private static final class Running implements AutoCloseable {
    final LocalKafkaBroker broker;

    Running(LocalKafkaBroker broker) {
      this.broker = broker;
    }

    @Override
    public void close() {
      broker.close();
    }
  }
}
