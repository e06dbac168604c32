package io.uji.kafka.local;

import org.apache.kafka.common.utils.internals.AppInfoParser;
import picocli.CommandLine.IVersionProvider;

/** {@code --version} of the commands: the Kafka version the broker and the loader run. */
final class KafkaVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"uji-local-kafka with Apache Kafka " + AppInfoParser.getVersion()};
  }
}
