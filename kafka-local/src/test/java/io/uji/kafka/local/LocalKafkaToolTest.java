package io.uji.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The command line of uji-local-kafka.jar (the broker command runs in LocalKafkaBrokerProcessTest). */
@ExtendWith(SharedLocalKafkaBroker.class)
class LocalKafkaToolTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void loadWritesTheEventsAndPrintsTheRate(LocalKafkaBroker broker) {
    int exit = run("load", "--bootstrap", broker.bootstrapServers(), "--topic", "cli", "--events", "1000",
        "--users", "10", "--partitions", "2");

    assertEquals(0, exit, err.toString());
    assertTrue(out.toString().startsWith("Loaded 1000 events of 10 users into cli (2 partitions)"), out.toString());
    List<TopicPartition> tps = List.of(new TopicPartition("cli", 0), new TopicPartition("cli", 1));
    try (var consumer = Clients.consumer(broker.bootstrapServers(), Map.of())) {
      assertEquals(1000L, consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void readPrintsTheCommittedRecordsOrTheLatestValueOfEachKey(LocalKafkaBroker broker) {
    Clients.createTopic(broker.bootstrapServers(), "cli-read", 1);
    Clients.produce(broker.bootstrapServers(), "cli-read", List.of("a", "b", "a"));
    try (var producer = Clients.producer(broker.bootstrapServers(), Map.of("transactional.id", "cli-read-tx"))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("cli-read", 0, "a", "aborted"));
      producer.flush();
      producer.abortTransaction();
    }

    assertEquals(0, run("read", "--bootstrap", broker.bootstrapServers(), "--topic", "cli-read"), err.toString());
    assertEquals(List.of("a a", "b b", "a a", "Read 3 records of topic cli-read (1 partitions) at "
        + broker.bootstrapServers()), out.toString().lines().toList());

    out.getBuffer().setLength(0);
    assertEquals(0, run("read", "--bootstrap", broker.bootstrapServers(), "--topic", "cli-read", "--latest"));
    assertEquals(List.of("a a", "b b"), out.toString().lines().toList().subList(0, 2));
  }

  @Test
  void badArgumentsGetTheUsageAndExitCode2() {
    int exit = run("load", "--events", "many", "--users", "10");

    assertEquals(2, exit);
    assertTrue(err.toString().contains("Invalid value for option '--events'"), err.toString());
    assertTrue(err.toString().contains("Usage: uji-local-kafka load"), err.toString());
  }

  @Test
  void invalidCountsGetAOneLineErrorAndExitCode1() {
    int exit = run("load", "--events", "0", "--users", "10");

    assertEquals(1, exit);
    assertEquals("Error: events must be at least 1, got 0", err.toString().strip());
  }

  @Test
  void aBrokerPropertyWithoutAValueIsABadArgument() {
    int exit = run("broker", "--property", "log.retention.ms");

    assertEquals(2, exit);
    assertTrue(err.toString().contains("should be in KEY=VALUE format"), err.toString());
  }

  private int run(String... args) {
    CommandLine cli = LocalKafkaTool.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
