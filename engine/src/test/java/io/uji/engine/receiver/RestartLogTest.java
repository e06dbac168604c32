package io.uji.engine.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which restarts are logged at WARN: the first, then at most one per interval. */
class RestartLogTest {
  private final RateLimiterTest.FakeTicker ticker = new RateLimiterTest.FakeTicker();
  private final RestartLog log = new RestartLog("clicks", ticker);

  private boolean restartAfter(long nanos) {
    ticker.now += nanos;
    return log.restarting(1, 30, 2000, "connection refused", new IOException("refused"));
  }

  @Test
  void theFirstRestartIsLoggedThenAtMostOneAnInterval() {
    long step = RestartLog.INTERVAL_NANOS / 4;
    List<Boolean> logged = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      logged.add(restartAfter(i == 0 ? 0 : step));
    }
    assertEquals(List.of(true, false, false, false, true, false, false, false, true), logged);
  }

  @Test
  void aRestartAfterAQuietIntervalIsLoggedAtOnce() {
    assertEquals(true, restartAfter(0));
    assertEquals(true, restartAfter(RestartLog.INTERVAL_NANOS));
    assertEquals(false, restartAfter(1));
  }
}
