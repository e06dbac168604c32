package io.uji.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputOperationsTest {
  private static final List<List<Integer>> INPUT = List.of(List.of(1, 2, 3, 4, 5), List.of(), List.of(6, 7), List.of(8));
  private static final String RULE = "-------------------------------------------\n";

  private final Harness h = Harness.create();

  @TempDir
  Path tmp;

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void aStreamUsedByTwoOutputsIsComputedOncePerBatch() {
    AtomicInteger calls = new AtomicInteger();
    DStream<Integer> mapped = TestInputs.queue(h.ssc, INPUT).map(x -> {
      calls.incrementAndGet();
      return x * 2;
    });
    Collector<Integer> first = Collector.on(mapped);
    Collector<Long> second = Collector.on(mapped.count());
    Collector<Integer> third = Collector.on(mapped.window(Durations.milliseconds(2 * Harness.BATCH)));
    h.start();
    h.runBatches(INPUT.size());
    int total = INPUT.stream().mapToInt(List::size).sum();
    assertEquals(total, calls.get(), "the map function runs once per element");
    for (int i = 0; i < INPUT.size(); i++) {
      long t = h.batchTime(i);
      assertEquals(INPUT.get(i).stream().map(x -> x * 2).toList(), first.at(t));
      assertEquals(List.of((long) INPUT.get(i).size()), second.at(t));
      List<Integer> w = new ArrayList<>(i > 0 ? INPUT.get(i - 1) : List.of());
      w.addAll(INPUT.get(i));
      assertEquals(w.stream().map(x -> x * 2).toList(), third.at(t));
    }
  }

  @Test
  void outputOperationsRunInRegistrationOrderWithinABatch() {
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    DStream<Integer> in = TestInputs.queue(h.ssc, INPUT);
    in.foreachBatch((d, t) -> order.add("a" + t.milliseconds()));
    in.foreachBatch((d, t) -> order.add("b" + t.milliseconds()));
    h.start();
    h.runBatches(2);
    assertEquals(List.of("a1000", "b1000", "a2000", "b2000"), order);
  }

  @Test
  void printShowsTheBatchTimeAndTheFirstElementsAsSparkDoes() {
    PrintStream original = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TestInputs.queue(h.ssc, INPUT).print(3);
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      h.start();
      h.runBatches(3);
    } finally {
      System.setOut(original);
    }
    String expected = RULE + "Time: 1000 ms\n" + RULE + "1\n2\n3\n...\n\n"
        + RULE + "Time: 2000 ms\n" + RULE + "\n"
        + RULE + "Time: 3000 ms\n" + RULE + "6\n7\n\n";
    assertEquals(expected, buf.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  @Test
  void saveAsTextFilesWritesOneDirectoryPerBatchWithAPartFilePerPartition() throws IOException {
    String prefix = tmp.resolve("out").toString();
    TestInputs.queue(h.ssc, INPUT).repartition(2).saveAsTextFiles(prefix, "txt");
    h.start();
    h.runBatches(INPUT.size());
    for (int i = 0; i < INPUT.size(); i++) {
      Path dir = tmp.resolve("out-" + h.batchTime(i) + ".txt");
      assertTrue(Files.isDirectory(dir), dir + " missing");
      List<String> lines = new ArrayList<>();
      try (Stream<Path> parts = Files.list(dir)) {
        List<Path> files = parts.sorted().toList();
        assertEquals(List.of("part-00000", "part-00001"), files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path f : files) {
          lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
      }
      assertEquals(INPUT.get(i).stream().map(String::valueOf).toList(), lines);
    }
    try (Stream<Path> all = Files.list(tmp)) {
      assertEquals(INPUT.size(), all.count(), "no temporary directory is left");
    }
  }

  @Test
  void saveAsTextFilesWithoutSuffixNamesDirectoriesPrefixDashTime() {
    String prefix = tmp.resolve("plain").toString();
    TestInputs.queue(h.ssc, INPUT).saveAsTextFiles(prefix, "");
    h.start();
    h.runBatches(2);
    assertTrue(Files.isDirectory(tmp.resolve("plain-1000")));
    assertTrue(Files.isDirectory(tmp.resolve("plain-2000")));
  }

  /** A sink holding a connection: records the batches it saw and when it was closed. */
  static final class ClosingSink implements BiConsumer<Dataset<Integer>, Time>, Consumer<Dataset<Integer>>,
      AutoCloseable {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void accept(Dataset<Integer> d, Time t) {
      events.add("batch " + t.milliseconds());
    }

    @Override
    public void accept(Dataset<Integer> d) {
      events.add("batch");
    }

    @Override
    public void close() {
      events.add("closed");
    }
  }

  @Test
  void anAutoCloseableOutputFunctionIsClosedOnceWhenTheContextStopsAfterItsLastBatch() {
    ClosingSink withTime = new ClosingSink();
    ClosingSink withoutTime = new ClosingSink();
    DStream<Integer> in = TestInputs.queue(h.ssc, INPUT);
    in.foreachBatch((BiConsumer<Dataset<Integer>, Time>) withTime);
    in.foreachBatch((Consumer<Dataset<Integer>>) withoutTime);
    h.start();
    h.runBatches(2);
    assertEquals(List.of("batch 1000", "batch 2000"), withTime.events, "not closed while running");
    h.close();
    assertEquals(List.of("batch 1000", "batch 2000", "closed"), withTime.events);
    assertEquals(List.of("batch", "batch", "closed"), withoutTime.events);
  }
}
