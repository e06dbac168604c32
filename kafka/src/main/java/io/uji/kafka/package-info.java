/**
 * Kafka in and out, exactly once, on kafka-clients: a direct stream over topics and a
 * transactional sink. The module uses nothing of Uji but its public API, so the engine does not
 * depend on Kafka.
 *
 * <ul>
 *   <li>{@link io.uji.kafka.KafkaSource} is a {@link io.uji.streaming.ReplayableSource}
 *       ({@code ssc.replayableStream(source)}): each batch reads a range of offsets per
 *       partition, logged before the batch runs and read again if it is replayed, so state
 *       built from the topics is exactly once with a checkpoint directory, without a write-ahead
 *       log. Only committed records are read. {@link io.uji.kafka.KafkaUtils#createDirectStream}
 *       is Spark's entry point to the same; records are {@link io.uji.kafka.KafkaRecord}s, and
 *       {@link io.uji.kafka.DataLossPolicy} says what records deleted before they were read do.
 *   <li>{@link io.uji.kafka.KafkaSink} is an output operation ({@code stream.foreachBatch(sink)})
 *       that writes each batch in one Kafka transaction with a marker of the batch time, so a
 *       batch replayed after a crash is not written twice: a {@code read_committed} consumer sees
 *       every batch once.
 *   <li>{@link io.uji.kafka.KafkaGroup} runs a keyed program on several instances that share the
 *       topics (scale-out, a first cut): key group g is partition g of every input topic, its
 *       state moves with it through a compacted changelog topic, and each batch's output ({@link
 *       io.uji.kafka.GroupSink}), state changes and input offsets commit in one Kafka transaction.
 *       {@link io.uji.kafka.UjiAssignor} is its partition assignor, public only because Kafka
 *       creates assignors by class name.
 * </ul>
 *
 * <p>Failures are {@link io.uji.kafka.UjiKafkaException}s naming the operation and the topic,
 * partition or transactional id. See the module's README for the properties Uji sets and the
 * design in {@code docs/ARCHITECTURE.md}.
 */
package io.uji.kafka;
