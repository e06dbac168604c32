package io.uji.recovery;

import io.uji.streaming.StreamingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What the child JVMs' mains share: their {@code key=value} arguments and the wait for the end. */
final class ChildJobs {
  private ChildJobs() {}

  /** @return the arguments {@code key=value}, by key */
  static Map<String, String> arguments(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (String s : args) {
      int eq = s.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + s);
      }
      a.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return a;
  }

  /**
   * Starts {@code ssc}, prints STARTED (what the parent waits for) and waits until {@code done};
   * exits the JVM with status 2 if the context stops first.
   */
  static void startAndAwait(StreamingContext ssc, CountDownLatch done) throws InterruptedException {
    ssc.start();
    System.out.println("STARTED");
    while (!done.await(20, TimeUnit.MILLISECONDS)) {
      if (ssc.awaitTerminationOrTimeout(1)) {
        System.out.println("STOPPED before all events were processed");
        System.exit(2);
      }
    }
  }
}
