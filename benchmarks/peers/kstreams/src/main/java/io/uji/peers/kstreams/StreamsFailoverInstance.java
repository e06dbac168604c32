package io.uji.peers.kstreams;

import io.uji.peers.common.Options;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * One Kafka Streams instance of kafka-failover's two-instance mode ({@code bench/kafka-failover.sh
 * --system kstreams}): the count topology ({@link CountTopology}, output to the {@code output}
 * topic), exactly_once_v2, one stream thread, the record cache off (this workload's best setting),
 * static membership ({@code group.instance.id} = the instance id) unless {@code --static-membership
 * false}, and {@code --session-timeout-ms} if given (Streams' default otherwise, 45 s). Runs until
 * killed; {@code --heartbeat-ms} lowers the consumer's heartbeat interval (3 s by default: a
 * survivor learns of the rebalance at its next heartbeat; Uji's member heartbeats every 250 ms). The failover figure is measured outside, from the group's committed offsets, as for
 * Uji; this JVM prints, with the wall clock, {@code RESTORE_START} and {@code RESTORE_END
 * partition= records= epoch_ms=} (restore listener) and {@code STATE from= to= epoch_ms=}.
 *
 * <p>Options: {@code --bootstrap --app-id --instance --state-dir [--session-timeout-ms N]
 * [--static-membership true|false] [--cache-bytes N] [--heartbeat-ms N] [--standbys N]} ({@code --standbys}: num.standby.replicas, 0 by
 * default).
 */
public final class StreamsFailoverInstance {
  private StreamsFailoverInstance() {}

  public static void main(String[] args) throws Exception {
    Options o = new Options(args);
    String instance = o.stringOpt("instance", null);
    long sessionMs = o.longOpt("session-timeout-ms", -1);
    long heartbeatMs = o.longOpt("heartbeat-ms", -1);
    long standbys = o.longOpt("standbys", 0);
    boolean staticMembership = o.boolOpt("static-membership", true);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.stringOpt("app-id", null));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, o.stringOpt("bootstrap", null));
    p.put(StreamsConfig.STATE_DIR_CONFIG, o.stringOpt("state-dir", null));
    p.put(StreamsConfig.CLIENT_ID_CONFIG, instance);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, o.longOpt("cache-bytes", 0));
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, (int) standbys);
    if (staticMembership) {
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instance);
    }
    if (sessionMs > 0) {
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) sessionMs);
    }
    if (heartbeatMs > 0) {
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) heartbeatMs);
    }
    o.rejectUnknown();
    KafkaStreams streams = new KafkaStreams(CountTopology.build("input", "output", true), p);
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition tp, String store, long startingOffset, long endingOffset) {
        System.out.println("RESTORE_START partition=" + tp.partition() + " from=" + startingOffset + " to=" + endingOffset
            + " epoch_ms=" + System.currentTimeMillis());
      }

      @Override
      public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {}

      @Override
      public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
        System.out.println("RESTORE_END partition=" + tp.partition() + " records=" + totalRestored
            + " epoch_ms=" + System.currentTimeMillis());
      }
    });
    streams.setStateListener((to, from) ->
        System.out.println("STATE from=" + from + " to=" + to + " epoch_ms=" + System.currentTimeMillis()));
    CountDownLatch never = new CountDownLatch(1);
    streams.start();
    System.out.println("STARTED epoch_ms=" + System.currentTimeMillis());
    never.await(); // runs until killed
  }
}
