package io.uji.peers.kstreams;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The measured topology: {@code stream(input) -> groupByKey -> count} into a persistent
 * timestamped RocksDB store (caching and change-logging as by default) {@code -> toStream ->
 * to(output)}, or {@code foreach} (discard) instead of the output topic.
 */
final class CountTopology {
  /** The count store's name, for the interactive-query check. */
  static final String STORE = "counts";

  private CountTopology() {}

  static Topology build(String input, String output, boolean toTopic) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, Long> counts = builder.stream(input, Consumed.with(Serdes.String(), Serdes.Long()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
        .count(Materialized.<String, Long>as(Stores.persistentTimestampedKeyValueStore(STORE))
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
    if (toTopic) {
      counts.toStream().to(output, Produced.with(Serdes.String(), Serdes.Long()));
    } else {
      counts.toStream().foreach((key, value) -> { });
    }
    return builder.build();
  }
}
