package io.uji.kafka.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.server.ServerSocketFactory;

/**
 * The listening sockets of one broker incarnation, bound before the broker starts and handed to
 * its socket servers as they open their listeners.
 *
 * <p>Binding first is what makes port 0 safe: the broker's configuration must name the ports of
 * both listeners (the controller quorum is addressed by port), and a port that was only found
 * free and then closed again could be taken by another process before the broker binds it. Here
 * the port stays bound from the moment it is chosen. A restart binds the same ports again
 * (server sockets set SO_REUSEADDR, so connections of the previous incarnation in TIME_WAIT do
 * not block it).
 *
 * <p>Ownership: a socket handed to the broker is closed by the broker's socket server; {@link
 * #close()} closes the ones never handed over (a start that failed early).
 */
final class ListenerSockets implements ServerSocketFactory, AutoCloseable {
  private final Map<String, ServerSocketChannel> unclaimed = new LinkedHashMap<>();

  private ListenerSockets() {}

  /**
   * Binds one socket per listener on {@code host}.
   *
   * @param host the address to bind
   * @param ports listener name -> port (0 = a free port chosen by the system)
   * @throws LocalKafkaException if a port cannot be bound (for example taken by another process)
   */
  static ListenerSockets bind(String host, Map<String, Integer> ports) {
    ListenerSockets sockets = new ListenerSockets();
    try {
      for (Map.Entry<String, Integer> e : ports.entrySet()) {
        InetSocketAddress address = new InetSocketAddress(host, e.getValue());
        sockets.unclaimed.put(e.getKey(), ServerSocketFactory.INSTANCE.openServerSocket(e.getKey(), address, -1, -1));
      }
      return sockets;
    } catch (IOException | RuntimeException e) {
      sockets.close();
      throw new LocalKafkaException("Cannot bind the broker's listeners on " + host + " to ports " + ports
          + " (a fixed port in use by another process?)", e);
    }
  }

  /** The bound port of a listener (valid until the socket is handed over). */
  synchronized int port(String listener) {
    ServerSocketChannel channel = unclaimed.get(listener);
    if (channel == null) {
      throw new IllegalStateException("No socket bound for listener " + listener);
    }
    return channel.socket().getLocalPort();
  }

  /**
   * Called by the broker's socket servers: hands over the socket bound for this listener.
   *
   * @throws IOException if the broker asks for a listener or port this class did not bind
   */
  @Override
  public synchronized ServerSocketChannel openServerSocket(String listenerName, InetSocketAddress socketAddress,
      int listenBacklogSize, int recvBufferSize) throws IOException {
    ServerSocketChannel channel = unclaimed.get(listenerName);
    if (channel == null || channel.socket().getLocalPort() != socketAddress.getPort()) {
      throw new IOException("No pre-bound socket for listener " + listenerName + " at " + socketAddress
          + " (bound: " + unclaimed.keySet() + ")");
    }
    unclaimed.remove(listenerName);
    return channel;
  }

  /** Closes the sockets the broker did not take. */
  @Override
  public synchronized void close() {
    for (ServerSocketChannel channel : unclaimed.values()) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing listens on it any more either way; the port is released by the OS.
      }
    }
    unclaimed.clear();
  }
}
