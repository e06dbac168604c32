package io.uji.engine.receiver;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one receiver's restarts at WARN, with their cause, at most one line per interval: a
 * receiver whose source is down asks for a restart every restart delay, and the log must say so
 * without being flooded. The first restart is always logged; one within the interval after a
 * logged one is counted, and the next line says how many were not logged (they are at DEBUG).
 */
final class RestartLog {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverSupervisor.class);
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String receiver;
  private final Ticker ticker;
  private boolean loggedOnce;
  private long lastLogged;
  private int notLogged;

  RestartLog(String receiver, Ticker ticker) {
    this.receiver = receiver;
    this.ticker = ticker;
  }

  /**
   * Logs a restart, unless one was logged less than the interval ago.
   *
   * @param inARow restarts in a row so far, this one included
   * @param max restarts in a row allowed
   * @return whether it was logged at WARN
   */
  synchronized boolean restarting(int inARow, int max, long delayMs, String message, Throwable cause) {
    long now = ticker.nanoTime();
    if (loggedOnce && now - lastLogged < INTERVAL_NANOS) {
      notLogged++;
      LOG.debug("Receiver '{}' restarts in {} ms ({} of at most {} in a row): {}", receiver, delayMs, inARow, max,
          message, cause);
      return false;
    }
    String since = notLogged == 0 ? "" : "; " + notLogged + " more restarts since the last warning";
    LOG.warn("Receiver '{}' restarts in {} ms ({} of at most {} in a row without storing a record{}): {}", receiver,
        delayMs, inARow, max, since, message, cause);
    loggedOnce = true;
    lastLogged = now;
    notLogged = 0;
    return true;
  }
}
