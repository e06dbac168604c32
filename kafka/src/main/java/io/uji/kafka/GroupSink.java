package io.uji.kafka;

import io.uji.streaming.Dataset;
import io.uji.streaming.Time;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An output of a {@link KafkaGroup} into the batch's Kafka transaction ({@link KafkaGroup#sink}):
 * its records are committed with the batch's state changes and input offsets, or aborted with
 * them. Use with {@code foreachBatch} on a stream of the group's context.
 *
 * @param <T> the element type
 */
public final class GroupSink<T> implements BiConsumer<Dataset<T>, Time> {
  private final Supplier<GroupMember> member;
  private final String topic;
  private final Function<? super T, ?> key;
  private final Serializer<Object> keySerializer;
  private final Function<? super T, ?> value;
  private final Serializer<Object> valueSerializer;

  @SuppressWarnings("unchecked")
  <KO, VO> GroupSink(Supplier<GroupMember> member, String topic, Function<? super T, ? extends KO> key,
      Serializer<KO> keySerializer, Function<? super T, ? extends VO> value, Serializer<VO> valueSerializer) {
    this.member = member;
    this.topic = topic;
    this.key = key;
    this.keySerializer = (Serializer<Object>) keySerializer;
    this.value = value;
    this.valueSerializer = (Serializer<Object>) valueSerializer;
  }

  /**
   * Sends the batch's elements into the open transaction; they are committed with the batch.
   *
   * @throws IllegalStateException if the group's context has not started
   */
  @Override
  public void accept(Dataset<T> batch, Time time) {
    Producer<byte[], byte[]> producer = member.get().transactionProducer();
    for (T element : batch.collect()) {
      byte[] k = keySerializer.serialize(topic, key.apply(element));
      byte[] v = valueSerializer.serialize(topic, value.apply(element));
      producer.send(new ProducerRecord<>(topic, null, time.milliseconds(), k, v));
    }
  }

  @Override
  public String toString() {
    return "GroupSink[" + topic + "]";
  }
}
