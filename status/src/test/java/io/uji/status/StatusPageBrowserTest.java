package io.uji.status;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.BatchInfo;
import io.uji.streaming.Durations;
import io.uji.streaming.ManualClock;
import io.uji.streaming.Pair;
import io.uji.streaming.State;
import io.uji.streaming.StateSpec;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real browser (headless Chromium driven by Selenium), as a person would
 * use it: it loads, its plots have one point per batch with the listener's figures, it refreshes
 * itself as batches run, the state table shows the operator's keys, and the SQL box answers a
 * known query.
 *
 * <p>The context runs on a {@link ManualClock}: each batch's output advances the clock by 10 ms
 * per record, so every batch has a known, different processing time.
 */
class StatusPageBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long INTERVAL = 1000;

  private final ManualClock clock = new ManualClock(0);
  private final Map<Long, BatchInfo> completed = new ConcurrentHashMap<>();
  private StreamingContext ssc;
  private ChromeDriver browser;
  private long nextBatch = INTERVAL;

  private static long count(String word, Optional<Long> one, State<Long> state) {
    long n = state.getOption().orElse(0L) + one.orElse(0L);
    state.update(n);
    return n;
  }

  @BeforeEach
  void start() {
    Queue<List<String>> batches = new ConcurrentLinkedQueue<>();
    for (int i = 1; i <= 6; i++) {
      List<String> lines = new ArrayList<>();
      for (int l = 0; l < i; l++) {
        lines.add("to be or not to be");
      }
      batches.add(lines);
    }
    ssc = new StreamingContext(StreamingConfig.defaults().withClock(clock).withWorkerThreads(2).withStatusPort(0),
        Durations.milliseconds(INTERVAL));
    ssc.queueStream(batches, true).flatMap(l -> Arrays.asList(l.split(" ")).iterator())
        .mapToPair(w -> Pair.of(w, 1L))
        .mapWithState(StateSpec.function(StatusPageBrowserTest::count).types(String.class, Long.class))
        .name("word_counts")
        .foreachBatch(d -> clock.advance(10 * d.count())); // a known processing time per batch
    ssc.addStreamingListener(new StreamingListener() {
      @Override
      public void onBatchCompleted(BatchInfo b) {
        completed.put(b.batchTime().milliseconds(), b);
      }
    });
    ssc.start();
    browser = Browser.open();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    ssc.stop(false);
  }

  private void runBatches(int n) {
    for (int i = 0; i < n; i++) {
      long t = nextBatch;
      clock.setTime(Math.max(t, clock.getTimeMillis()));
      await().atMost(WAIT).until(() -> completed.containsKey(t));
      nextBatch += INTERVAL;
    }
  }

  /**
   * @return the attribute (or, for "text", the text) of every element matching {@code css}, read in
   *     one script call: the page replaces its live part every 2 s, so elements found in one call
   *     may be gone by the next
   */
  @SuppressWarnings("unchecked")
  private List<String> read(String css, String attribute) {
    return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
        + ".map(e => arguments[1] === 'text' ? e.textContent : e.getAttribute(arguments[1]))", css, attribute);
  }

  private List<Double> plotted(String metric) {
    List<Double> values = new ArrayList<>();
    for (String v : read("svg.timeline[data-metric='" + metric + "'] circle.point", "data-value")) {
      values.add(Double.parseDouble(v));
    }
    return values;
  }

  @Test
  void thePageShowsEveryBatchAsTheListenerSawItAndAnswersSql() throws Exception {
    runBatches(8);
    String uri = ssc.statusUri().orElseThrow().toString();
    assertTrue(uri.startsWith("http://127.0.0.1:"), "loopback only by default: " + uri);
    browser.get(uri);
    assertTrue(browser.getTitle().contains(browser.findElement(By.id("context-name")).getText()));

    List<BatchInfo> seen = new ArrayList<>(new TreeMap<>(completed).values());
    List<Double> processing = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (BatchInfo b : seen) {
      processing.add((double) b.processingDelay());
      rates.add(b.numRecords() / (INTERVAL / 1000.0));
    }
    assertEquals(8, plotted("processing-time").size(), "one point per batch");
    assertEquals(processing, plotted("processing-time"));
    assertEquals(List.of(60.0, 120.0, 180.0, 240.0, 300.0, 360.0, 0.0, 0.0), processing, "10 ms per record");
    assertEquals(rates, plotted("input-rate"));
    assertEquals(8, plotted("total-delay").size());
    assertEquals(List.of("8"), read("#completed", "text"));
    assertEquals(8, read("svg.histogram[data-metric='processing-time'] rect.bar", "data-count").stream()
        .mapToInt(Integer::parseInt).sum());
    assertEquals(List.of("4"), read("tr.operator[data-operator='word_counts'] td.keys", "text"), "to, be, or, not");
    assertEquals(List.of(String.valueOf(seen.stream().mapToLong(BatchInfo::numRecords).sum())),
        read("tr.input td.records", "text"));

    // It refreshes itself: two more batches appear without reloading the page.
    runBatches(2);
    await().atMost(WAIT).until(() -> plotted("processing-time").size() == 10);

    WebElement box = browser.findElement(By.id("sql-query"));
    box.clear();
    box.sendKeys("select key, value from word_counts order by value desc, key");
    browser.findElement(By.id("sql-run")).click();
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("#sql-result tbody tr")).isEmpty());
    List<List<String>> rows = new ArrayList<>();
    for (WebElement tr : browser.findElements(By.cssSelector("#sql-result tbody tr"))) {
      List<String> row = new ArrayList<>();
      for (WebElement td : tr.findElements(By.tagName("td"))) {
        row.add(td.getText());
      }
      rows.add(row);
    }
    // 21 lines of "to be or not to be": to and be twice each per line
    assertEquals(List.of(List.of("be", "42"), List.of("to", "42"), List.of("not", "21"), List.of("or", "21")), rows);

    box.clear();
    box.sendKeys("drop table word_counts");
    browser.findElement(By.id("sql-run")).click();
    await().atMost(WAIT).until(() -> !browser.findElements(By.id("sql-error")).isEmpty());
    assertTrue(browser.findElement(By.id("sql-error")).getText().startsWith("REFUSED"));

    Path shot = Path.of("target", "status-page-test.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /** Debian's chromium and chromium-driver, with the flags this machine needs (no network). */
  static final class Browser {
    static ChromeDriver open() {
      Path chromium = Path.of("/usr/bin/chromium");
      Path driver = Path.of("/usr/bin/chromedriver");
      if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
        throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver packages"
            + " (apt-get install -y chromium chromium-driver; .ci/run installs them)");
      }
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--window-size=1280,2200");
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
          .usingAnyFreePort().build();
      return new ChromeDriver(service, options);
    }
  }
}
