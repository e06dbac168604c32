/**
 * Micrometer meters for a running {@link io.uji.streaming.StreamingContext}: {@link
 * io.uji.metrics.UjiMetrics#bind UjiMetrics.bind(context, registry)} before the context starts,
 * with any {@code MeterRegistry} (JMX, Prometheus, ...). Batches (delays, processing time,
 * records), checkpoints, recovery, the write-ahead logs (appends, bytes, forces), receivers, the
 * lag of replayable sources, keyed state, failures.
 *
 * <p>Optional: the engine does not depend on Micrometer, and a context that is not bound records
 * nothing and pays nothing. The meters and their tags are listed in the module's README.
 */
package io.uji.metrics;
