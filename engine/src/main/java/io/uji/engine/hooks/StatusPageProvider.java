package io.uji.engine.hooks;

import io.uji.streaming.StreamingContext;
import java.net.InetSocketAddress;

/**
 * Serves a context's status page; found with {@link java.util.ServiceLoader} when a context
 * with {@code StreamingConfig.statusAddress} starts (the uji-status module provides one).
 */
public interface StatusPageProvider {
  /**
   * Starts serving the page of {@code ssc}. Called during {@code start()}, before recovery and
   * the first batch, so the page's observer sees them.
   *
   * @param address where to listen (port 0: any free port)
   * @return the running page, owned by the context from now on (closed when it stops)
   * @throws java.io.UncheckedIOException if the address cannot be bound
   */
  StatusPage start(StreamingContext ssc, ContextView view, InetSocketAddress address);
}
