/**
 * A real Apache Kafka broker on 127.0.0.1 for tests, demos and benchmarks, started from Kafka's
 * own Maven artifacts (no installed Kafka, no Docker): {@link io.uji.kafka.local.LocalKafkaBroker}
 * in this JVM, {@link io.uji.kafka.local.LocalKafkaBrokerProcess} in a child JVM that a test can
 * kill, {@link io.uji.kafka.local.SharedLocalKafkaBroker} to share one broker across the test
 * classes of a JUnit run. {@link io.uji.kafka.local.EventLoader} writes the benchmark's
 * session-count workload ({@link io.uji.kafka.local.SessionEvents}) into a topic, and {@link
 * io.uji.kafka.local.LocalKafkaTool} is the runnable jar ({@code broker}, {@code load}).
 *
 * <p>Not a production broker: one node, broker and controller together, data in a local
 * directory. Failures are {@link io.uji.kafka.local.LocalKafkaException}s naming the operation
 * and the directory, address or topic. See the module's README.
 */
package io.uji.kafka.local;
