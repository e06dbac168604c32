/**
 * The narrow internal hook through which Uji's optional modules (uji-metrics, uji-status,
 * uji-sql) see a running context, without the public API ({@code io.uji.streaming}) naming any of
 * their types (Micrometer's, DuckDB's, an HTTP server's).
 *
 * <ul>
 *   <li>Push: an {@link io.uji.engine.hooks.EngineObserver} attached before start receives
 *       reports (a batch completed, a checkpoint written, recovery done, a write-ahead log
 *       append and force). With none attached the engine calls nothing, allocates nothing and
 *       reads no clock for them: the components that would report are built without the
 *       timing decorators.
 *   <li>Pull: a {@link io.uji.engine.hooks.ContextView} reads the counters the engine keeps
 *       anyway (records stored per receiver, time blocked by backpressure, the lag of a
 *       replayable source, keyed state sizes) when someone asks: a scrape, a page refresh.
 *   <li>Providers found by {@link java.util.ServiceLoader}: {@link
 *       io.uji.engine.hooks.StatusPageProvider} (for {@code StreamingConfig.withStatusPort}) and
 *       {@link io.uji.engine.hooks.SqlEngineProvider} (for {@code StreamingContext.sql}).
 * </ul>
 *
 * <p>Everything here is internal: it may change in any release. The architecture tests let the
 * optional modules use this package and {@code io.uji.streaming}, nothing else of Uji.
 */
package io.uji.engine.hooks;
