package io.uji.peers.spark;

import io.uji.peers.common.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.dstream.InputDStream;
import scala.Option;
import scala.reflect.ClassTag$;

/**
 * A replayable, checkpointable input stream: the batch with time t holds the events of batch
 * index (t - firstTime) / interval, generated inside the batch's tasks, so the same batch time
 * always yields the same records. {@code firstTime} is a plain field and so is saved in the
 * metadata checkpoint: after a restart from the checkpoint the mapping time -> events is
 * unchanged. It plays the part of a replayable source such as Kafka's direct stream.
 */
final class GenInputDStream extends InputDStream<String> {
  private static final long serialVersionUID = 1L;

  /** firstTime (ms) of the stream living in this JVM, for the driver-side bookkeeping. */
  static final AtomicLong FIRST_TIME_MS = new AtomicLong(-1);

  private final long n;
  private final long k;
  private final long b;
  private final int parts;
  private Time firstTime; // saved with the checkpoint on purpose

  GenInputDStream(StreamingContext ssc, long n, long k, long b, int parts) {
    super(ssc, ClassTag$.MODULE$.apply(String.class));
    this.n = n;
    this.k = k;
    this.b = b;
    this.parts = parts;
  }

  @Override
  public void start() {}

  @Override
  public void stop() {}

  @Override
  public Option<RDD<String>> compute(Time validTime) {
    if (firstTime == null) {
      firstTime = validTime;
    }
    FIRST_TIME_MS.set(firstTime.milliseconds());
    long idx = (validTime.milliseconds() - firstTime.milliseconds()) / slideDuration().milliseconds();
    long from = Math.min(n, idx * b);
    long to = Math.min(n, (idx + 1) * b);
    return Option.apply(rangeRdd(JavaSparkContext.fromSparkContext(context().sparkContext()), from, to, k, parts).rdd());
  }

  /** An RDD of the records of events [from, to) in {@code parts} partitions, generated inside the tasks. */
  static JavaRDD<String> rangeRdd(JavaSparkContext jsc, long from, long to, long k, int parts) {
    List<Integer> slices = new ArrayList<>();
    for (int s = 0; s < parts; s++) {
      slices.add(s);
    }
    return jsc.parallelize(slices, parts)
        .flatMap(s -> Gen.records(Gen.sliceStart(from, to, s, parts), Gen.sliceStart(from, to, s + 1, parts), k));
  }
}
