/**
 * Uji's public API: Spark Streaming's programming model, run inside one JVM, with exact recovery
 * after a crash. This package is the only one a program needs; every other package of the
 * engine is internal and may change in any version.
 *
 * <h2>The program</h2>
 *
 * <p>A {@link io.uji.streaming.StreamingContext} cuts time into batches of a fixed interval. Its
 * input streams ({@link io.uji.streaming.StreamingContext#receiverStream receiverStream}, {@link
 * io.uji.streaming.StreamingContext#replayableStream replayableStream}, files, sockets, queues,
 * generators) give one {@link io.uji.streaming.Dataset} per batch; a {@link
 * io.uji.streaming.DStream} is the stream of those datasets, transformed as in Spark ({@code map},
 * {@code filter}, {@code window}, {@code transform}, ...). Keyed streams ({@link
 * io.uji.streaming.PairDStream}, elements {@link io.uji.streaming.Pair}) add the shuffles:
 * {@code reduceByKey}, joins, {@code cogroup}, windowed reductions and the stateful operators.
 * Nothing runs until an output operation ({@code foreachBatch}, {@code print}, {@code
 * saveAsTextFiles}) asks for a stream and the context is started; the program cannot change
 * once it is. Settings are a {@link io.uji.streaming.StreamingConfig}; {@link
 * io.uji.streaming.StreamingListener} reports batches, output operations and receivers.
 *
 * <pre>{@code
 * StreamingContext ssc = StreamingContext.getActiveOrCreate("/var/lib/clicks", () -> {
 *   StreamingContext c = new StreamingContext(config, Durations.seconds(1));
 *   c.checkpoint("/var/lib/clicks");
 *   c.receiverStream(new ClickReceiver())
 *       .mapToPair(click -> Pair.of(click.page(), 1L))
 *       .updateStateByKey((ones, total) -> Optional.of(total.orElse(0L) + ones.size()))
 *       .foreachBatch((counts, time) -> sink.write(time, counts.collect()));
 *   return c;
 * });
 * ssc.start();
 * ssc.awaitTermination();
 * }</pre>
 *
 * <h2>Receivers and replayable sources</h2>
 *
 * <p>A {@link io.uji.streaming.Receiver} pushes records ({@code store}); with a checkpoint
 * directory each stored block is forced to a write-ahead log before {@code store} returns, so a
 * receiver that acknowledges its source after {@code store} loses nothing in a crash. A {@link
 * io.uji.streaming.ReplayableSource} (Kafka, say) is read by position instead: the ranges each
 * batch reads are made durable before it runs and read again on replay, with no write-ahead log.
 *
 * <h2>State and checkpoints</h2>
 *
 * <p>{@code mapWithState} ({@link io.uji.streaming.StateSpec}) and {@code updateStateByKey} keep
 * keyed state in RocksDB, off the heap and larger than memory; keys, states and received records
 * are serialized with Kryo and their classes must be registered in the {@link
 * io.uji.streaming.StreamingConfig} (an unregistered class is refused when the operator first
 * sees it). With {@link io.uji.streaming.StreamingContext#checkpoint checkpoint(directory)}, the
 * lineage of every batch is made durable before the batch runs, the state is checkpointed
 * periodically, and {@link io.uji.streaming.StreamingContext#getActiveOrCreate getActiveOrCreate}
 * on the same directory restores the last good checkpoint and replays the batches after it, with
 * the same records in the same order.
 *
 * <h2>What is exactly once</h2>
 *
 * <ul>
 *   <li>Keyed state is exactly once after any crash (SIGKILL included), from a replayable source
 *       or from a receiver whose {@code store} returned: nothing lost, nothing counted twice.
 *   <li>Output operations are at least once: batches replayed after a crash run their outputs
 *       again, with the same batch time and data ({@link io.uji.streaming.BatchInfo#replay()}),
 *       so a sink must be idempotent on the batch time ({@code saveAsTextFiles} is). A graceful
 *       {@link io.uji.streaming.StreamingContext#stop(boolean) stop(true)} leaves nothing to
 *       replay.
 *   <li>A receiver's source sees at-least-once delivery unless it is replayable: a block stored
 *       whose acknowledgement never reached the source is sent again by it.
 *   <li>Without a checkpoint directory nothing survives the JVM.
 * </ul>
 *
 * <p>More: the README (the API next to Spark's), {@code docs/RECOVERY.md} (checkpoints, recovery,
 * errors in a batch, changing the program) and {@code docs/ARCHITECTURE.md} (how a batch runs).
 */
package io.uji.streaming;
