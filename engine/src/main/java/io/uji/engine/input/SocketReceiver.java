package io.uji.engine.input;

import io.uji.streaming.Receiver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Spark's socketTextStream receiver: reads UTF-8 lines from a TCP server and stores each line.
 * Unreliable: a socket cannot replay, so lines read but not yet cut into a block when the process
 * dies are lost. Reconnects (through a restart) when the connection fails or ends.
 */
public final class SocketReceiver extends Receiver<String> {
  private final String host;
  private final int port;
  private volatile Socket socket;
  private volatile Thread thread;

  public SocketReceiver(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public String name() {
    return "SocketReceiver(" + host + ":" + port + ")";
  }

  @Override
  public void onStart() {
    Thread t = new Thread(this::receive, "uji-socket-receiver-" + host + ":" + port);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void receive() {
    try (Socket s = new Socket()) {
      socket = s;
      s.connect(new InetSocketAddress(host, port), 10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while (!isStopped() && (line = in.readLine()) != null) {
        store(line);
      }
      if (!isStopped()) {
        restart("Socket data stream had no more data");
      }
    } catch (IOException e) {
      if (!isStopped()) {
        restart("Error receiving data from " + host + ":" + port, e);
      }
    } catch (IllegalStateException e) {
      // store() after the context stopped: nothing to do.
    }
  }

  @Override
  public void onStop() {
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing to unblock the reader; nothing else to do
      }
    }
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
