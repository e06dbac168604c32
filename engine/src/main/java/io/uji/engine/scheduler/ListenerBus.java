package io.uji.engine.scheduler;

import io.uji.streaming.StreamingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers listener events on one thread, in order, so that a slow or failing listener never
 * delays a batch. A listener that throws is logged and keeps receiving later events.
 */
public final class ListenerBus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerBus.class);
  private static final Runnable STOP = () -> {};

  private final List<StreamingListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  public ListenerBus(String name) {
    thread = new Thread(this::loop, name + "-listener-bus");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void add(StreamingListener l) {
    listeners.add(l);
  }

  public void post(Consumer<StreamingListener> event) {
    queue.add(() -> {
      for (StreamingListener l : listeners) {
        try {
          event.accept(l);
        } catch (RuntimeException e) {
          LOG.warn("Listener {} threw while handling an event; it keeps receiving events", l, e);
        }
      }
    });
  }

  private void loop() {
    try {
      while (true) {
        Runnable r = queue.take();
        if (r == STOP) {
          return;
        }
        r.run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Delivers the events already posted, then ends the thread. */
  @Override
  public void close() {
    if (!thread.isAlive()) {
      return;
    }
    queue.add(STOP);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }
}
