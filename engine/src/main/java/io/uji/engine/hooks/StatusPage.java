package io.uji.engine.hooks;

import java.net.URI;

/** A running status page, owned by its context. */
public interface StatusPage extends AutoCloseable {
  /** @return the page's address, e.g. {@code http://127.0.0.1:4040/} */
  URI uri();

  /**
   * @return where other machines reach the page, as {@code host:port}: its bound address, or this
   *     machine's host name when it listens on every interface (what a group of instances
   *     publishes so that a key lookup can be sent to the instance holding the key)
   */
  String hostAndPort();

  /** @return what the page must be told as the context runs (attached by the engine at start) */
  EngineObserver observer();

  /** Stops serving; idempotent. */
  @Override
  void close();
}
