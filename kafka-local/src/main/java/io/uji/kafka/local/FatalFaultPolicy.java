package io.uji.kafka.local;

/**
 * What a broker does when one of its components reports a fatal fault (a metadata log that
 * cannot be written, a controller that cannot apply a record, ...).
 */
public enum FatalFaultPolicy {
  /**
   * What a real Kafka process does: log the fault and halt the JVM with exit code 1. Right for a
   * broker in its own process ({@link BrokerMain}, the {@code broker} command), whose death the
   * test then sees.
   */
  HALT_JVM,
  /**
   * Log the fault and keep it: the broker stays up but broken, and {@link LocalKafkaBroker#stop()}
   * / {@link LocalKafkaBroker#close()} throw it. Right for a broker inside a test JVM, which must
   * not be halted (the test run and its report would die with it).
   */
  REPORT_ON_STOP
}
