/**
 * A status page for a running context, in the spirit of Spark's Streaming tab: the batch
 * timeline and delays, inputs, receivers, keyed state, checkpoints and recovery, and a SQL box.
 * Programs do not use this package directly: with the module on the class path, a context whose
 * configuration has a status address ({@code StreamingConfig.withStatusPort}) serves the page
 * when it starts (found by {@link java.util.ServiceLoader}); without it the start fails naming
 * the module.
 *
 * <p>{@code withStatusPort} binds the loopback interface only; the page has no authentication.
 * See the module's README for what it shows and its endpoints.
 */
package io.uji.status;
