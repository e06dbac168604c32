package io.uji.status;

import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.StatusPage;
import io.uji.engine.hooks.StatusPageProvider;
import io.uji.streaming.StreamingContext;
import java.net.InetSocketAddress;

/**
 * Found by {@link java.util.ServiceLoader} when a context with {@code
 * StreamingConfig.withStatusPort} starts: having this module on the class path is all it takes.
 */
public final class JdkStatusPageProvider implements StatusPageProvider {
  /** Called by {@link java.util.ServiceLoader}; a program has no reason to make one. */
  public JdkStatusPageProvider() {}

  @Override
  public StatusPage start(StreamingContext ssc, ContextView view, InetSocketAddress address) {
    return new StatusServer(ssc, view, address);
  }
}
