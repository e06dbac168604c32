package io.uji.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uji.streaming.Harness.Collector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
  private Harness h = Harness.create();

  @TempDir
  Path tmp;

  @AfterEach
  void stop() {
    h.close();
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Test
  void socketTextStreamReceivesLinesAndReconnectsAfterTheServerClosesTheConnection() throws IOException {
    h.close();
    h = new Harness(0, Harness.config().withReceiverRestartDelay(Durations.milliseconds(10)));
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      server.setSoTimeout(20_000);
      Collector<String> c = Collector.on(h.ssc.socketTextStream("127.0.0.1", server.getLocalPort()));
      h.start();
      try (Socket first = server.accept()) {
        send(first, "alpha\nbeta\ngamma\n");
      }
      try (Socket second = server.accept()) {
        send(second, "delta\nepsilon\n");
        await().atMost(Harness.WAIT).pollInterval(Harness.POLL).until(() -> {
          h.runBatches(1);
          return c.all().size() >= 5;
        });
      }
      assertEquals(List.of("alpha", "beta", "gamma", "delta", "epsilon"), c.all());
    }
  }

  private Path write(Path dir, String name, String content) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private void moveIn(Path staged, Path dir) throws IOException {
    Files.move(staged, dir.resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void textFileStreamReadsEachFileMovedInOnceAndIgnoresHiddenFiles() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    Collector<String> c = Collector.on(h.ssc.textFileStream(dir.toString()));
    h.start();
    moveIn(write(staging, "a.txt", "a1\na2\n"), dir);
    write(dir, ".in-progress.txt", "hidden\n");
    write(dir, "_temporary", "hidden too\n");
    h.runBatches(1);
    moveIn(write(staging, "c.txt", "c1\n"), dir);
    moveIn(write(staging, "b.txt", "b1\nb2\nb3\n"), dir);
    h.runBatches(2);
    assertEquals(List.of("a1", "a2"), c.at(1000));
    assertEquals(List.of("b1", "b2", "b3", "c1"), c.at(2000));
    assertEquals(2, c.partitions.get(2000L), "one partition per file");
    assertEquals(List.of(), c.at(3000), "each file once");
  }

  @Test
  void queueStreamOneAtATimeTakesOneListPerBatch() {
    ConcurrentLinkedQueue<List<Integer>> q = new ConcurrentLinkedQueue<>(List.of(List.of(1, 2), List.of(3), List.of(4)));
    Collector<Integer> c = Collector.on(h.ssc.queueStream(q, true));
    h.start();
    h.runBatches(3);
    q.add(List.of(5, 6));
    h.runBatches(2);
    assertEquals(List.of(List.of(1, 2), List.of(3), List.of(4), List.of(5, 6), List.of()),
        List.of(c.at(1000), c.at(2000), c.at(3000), c.at(4000), c.at(5000)));
  }

  @Test
  void queueStreamNotOneAtATimeTakesEveryQueuedListInOneBatch() {
    ConcurrentLinkedQueue<List<Integer>> q = new ConcurrentLinkedQueue<>(List.of(List.of(1, 2), List.of(3), List.of(4)));
    Collector<Integer> c = Collector.on(h.ssc.queueStream(q, false));
    h.start();
    h.runBatches(2);
    assertEquals(List.of(1, 2, 3, 4), c.at(1000));
    assertEquals(3, c.partitions.get(1000L));
    assertEquals(List.of(), c.at(2000));
  }

  @Test
  void queueStreamUsesTheDefaultBatchWhenTheQueueIsEmpty() {
    ConcurrentLinkedQueue<List<Integer>> q = new ConcurrentLinkedQueue<>(List.of(List.of(1)));
    Collector<Integer> c = Collector.on(h.ssc.queueStream(q, true, List.of(-1)));
    h.start();
    h.runBatches(2);
    assertEquals(List.of(1), c.at(1000));
    assertEquals(List.of(-1), c.at(2000));
  }

  private static List<String> events(long from, long until) {
    return LongStream.range(from, until).mapToObj(i -> "e" + i).toList();
  }

  @Test
  void generatorPerBatchTakesConsecutiveRangesUpToItsLimit() {
    Collector<String> c = Collector.on(h.ssc.generatorStream(GeneratorSpec.perBatch(i -> "e" + i, 5).limit(12)));
    h.start();
    h.runBatches(4);
    assertEquals(events(0, 5), c.at(1000));
    assertEquals(events(5, 10), c.at(2000));
    assertEquals(events(10, 12), c.at(3000));
    assertEquals(List.of(), c.at(4000));
    assertEquals(3, c.partitions.get(1000L), "the default parallelism");
    assertEquals(5, h.completed.get(1000L).numRecords());
    assertEquals(2, h.completed.get(3000L).numRecords());
  }

  @Test
  void generatorAtARateTakesTheEventsDueAtEachBatchTime() {
    Collector<String> c = Collector.on(h.ssc.generatorStream(GeneratorSpec.atRate(i -> "e" + i, 2500)));
    h.start();
    h.runBatches(2);
    // Two batch times pass at once: each batch still takes what is due at its own time.
    h.clock.setTime(4000);
    h.awaitCompleted(4000);
    assertEquals(events(0, 2500), c.at(1000));
    assertEquals(events(2500, 5000), c.at(2000));
    assertEquals(events(5000, 7500), c.at(3000));
    assertEquals(events(7500, 10000), c.at(4000));
  }

  @Test
  void generatorAtARateRespectsItsMaxEventsPerBatchAndCatchesUp() {
    Collector<Long> c = Collector.on(h.ssc.generatorStream(new GeneratorSpec<>(i -> i, 300, 200, 700)));
    h.start();
    h.runBatches(5);
    List<Integer> sizes = new ArrayList<>();
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sizes.add(c.at(h.batchTime(i)).size());
      all.addAll(c.at(h.batchTime(i)));
    }
    assertEquals(List.of(200, 200, 200, 100, 0), sizes);
    assertEquals(LongStream.range(0, 700).boxed().toList(), all);
  }

  @Test
  void generatorSpecRejectsInvalidArguments() {
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> GeneratorSpec.atRate(i -> i, -1)).getMessage().contains("ratePerSecond"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> GeneratorSpec.perBatch(i -> i, 0));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> GeneratorSpec.perBatch(i -> i, 1).limit(-2));
  }
}
