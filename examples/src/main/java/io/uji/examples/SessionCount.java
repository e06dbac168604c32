package io.uji.examples;

import io.uji.streaming.DStream;
import io.uji.streaming.Duration;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.MapWithStateDStream;
import io.uji.streaming.StreamingConfig;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The session-count demo: counts events per user, prints per-batch statistics and the top users,
 * and after {@code --events} events prints the totals and exits.
 *
 * <pre>
 * java -jar examples/target/uji-session-count.jar --events 2000000 --users 100000
 * java -jar examples/target/uji-session-count.jar --source kafka --bootstrap 127.0.0.1:9092 --topic events \
 *     --output-topic counts --events 2000000
 * </pre>
 *
 * <p>From Kafka, the events are the records of {@code --topic} (the key is the user, as the
 * loader of {@code uji-local-kafka.jar} writes them); with {@code --output-topic}, each batch's
 * updated counts (one record per user: key the user, value the count as text) are written to
 * that topic exactly once, in one Kafka transaction per batch.
 *
 * <p>The last line of a completed run is exactly {@code TOTAL events=<sum of all per-user counts>
 * users=<users with a count>}.
 */
@Command(name = "session-count", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Counts events per user with Uji and prints per-batch statistics and the top users.")
public final class SessionCount implements Callable<Integer> {
  /** The generator's multiplier (docs/WORKLOADS.md): event i belongs to user (i * MUL) mod K. */
  static final long MUL = 0x9E3779B97F4A7C15L;

  /** Where events come from. */
  public enum Source { generator, socket, dir, kafka }

  /** The command line; also what {@link #create} builds a context from. */
  public static final class Options {
    @Option(names = "--events", paramLabel = "N",
        description = "Stop after N events and print the totals; 0 = run until killed (default: ${DEFAULT-VALUE}).")
    public long events = 2_000_000;

    @Option(names = "--users", paramLabel = "K", description = "Distinct users of the generator (default: ${DEFAULT-VALUE}).")
    public long users = 100_000;

    @Option(names = "--rate", paramLabel = "R",
        description = "Generator events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    public long rate = 0;

    @Option(names = "--batch", paramLabel = "INTERVAL", converter = DurationConverter.class,
        description = "Batch interval, e.g. 1s or 500ms (default: 1s).")
    public Duration batch = Durations.seconds(1);

    @Option(names = "--batch-events", paramLabel = "M",
        description = "Most generator events per batch (with --rate 0: exactly this many) (default: ${DEFAULT-VALUE}).")
    public long batchEvents = 500_000;

    @Option(names = "--session-timeout", paramLabel = "IDLE", converter = DurationConverter.class,
        description = "A user's session ends after this idle time, e.g. 30s or 10m (default: 30m).")
    public Duration sessionTimeout = Durations.minutes(30);

    @Option(names = "--checkpoint", paramLabel = "DIR",
        description = "Checkpoint directory (write-ahead log, lineage, state checkpoints).")
    public Path checkpoint;

    @Option(names = "--source", description = "generator, socket (one user id a line), dir (files of user ids) or "
        + "kafka (the keys of a topic's records) (default: ${DEFAULT-VALUE}).")
    public Source source = Source.generator;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    public String bootstrap = "127.0.0.1:9092";

    @Option(names = "--topic", description = "Kafka topic of the events (default: ${DEFAULT-VALUE}).")
    public String topic = "events";

    @Option(names = "--output-topic", paramLabel = "TOPIC",
        description = "Write each batch's updated counts to this Kafka topic (created if missing), exactly once.")
    public String outputTopic;

    @Option(names = "--transactional-id", paramLabel = "ID",
        description = "Transactional id of the output (default: uji-session-count-<output topic>).")
    public String transactionalId;

    @Option(names = "--group", description = "Kafka consumer group to commit the processed offsets to (for lag "
        + "tools); none by default.")
    public String group;

    @Option(names = "--max-rate-per-partition", paramLabel = "R",
        description = "Most Kafka records per partition and second; 0 = backpressure only (default: ${DEFAULT-VALUE}).")
    public long maxRatePerPartition = 0;

    @Option(names = "--host", description = "Socket source host (default: ${DEFAULT-VALUE}).")
    public String host = "localhost";

    @Option(names = "--port", description = "Socket source port (default: ${DEFAULT-VALUE}).")
    public int port = 9999;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory source: files moved into it are read once.")
    public Path dir;

    @Option(names = "--top", paramLabel = "N", description = "Top users to print (default: ${DEFAULT-VALUE}).")
    public int top = 5;

    @Option(names = "--top-every", paramLabel = "BATCHES",
        description = "Print the top users every this many batches (default: ${DEFAULT-VALUE}).")
    public int topEvery = 2;

    @Option(names = "--threads", description = "Worker threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
    public int threads = 0;

    @Option(names = "--status-port", paramLabel = "PORT",
        description = "Serve the status page on 127.0.0.1:PORT (0: any free port; default: no page).")
    public Integer statusPort;

    @Option(names = "--prometheus-port", paramLabel = "PORT",
        description = "Serve the metrics as Prometheus text on http://127.0.0.1:PORT/metrics (they are always on JMX).")
    public Integer prometheusPort;

    @Option(names = "--register-batches",
        description = "Register each batch's session updates as the SQL table session_updates (costs ~1 ms per 1,000"
            + " updates a batch); the state is queryable as the table sessions without it.")
    public boolean registerBatches;

    void validate() {
      if (events < 0 || users <= 0 || rate < 0 || batchEvents <= 0 || top < 0 || threads < 0) {
        throw new IllegalArgumentException("--events, --rate, --top and --threads must be >= 0; --users and "
            + "--batch-events must be positive");
      }
      if (source == Source.dir && dir == null) {
        throw new IllegalArgumentException("--source dir needs --dir DIR");
      }
      if (outputTopic != null && source != Source.kafka) {
        throw new IllegalArgumentException("--output-topic needs --source kafka");
      }
      if (maxRatePerPartition < 0) {
        throw new IllegalArgumentException("--max-rate-per-partition must be >= 0");
      }
    }
  }

  @Mixin
  Options options = new Options();

  /**
   * Builds the job's context (not started): source, the stateful session counting, checkpoint
   * directory. With {@code --checkpoint} it is the factory handed to
   * {@code getActiveOrCreate(dir, factory)}, run on every start.
   */
  public static StreamingContext create(Options o, UserCounts counts, BatchProgress progress) {
    // A SIGTERM (Ctrl-C, a deploy) stops gracefully: the received events are counted, a final
    // checkpoint is taken, and the next run replays nothing.
    StreamingConfig config = StreamingConfig.defaults().withStopGracefullyOnShutdown();
    if (o.threads > 0) {
      config = config.withWorkerThreads(o.threads);
    }
    if (o.statusPort != null) {
      config = config.withStatusPort(o.statusPort);
    }
    StreamingContext ssc = new StreamingContext(config, o.batch);
    if (o.checkpoint != null) {
      ssc.checkpoint(o.checkpoint.toString());
    }
    DStream<String> events = switch (o.source) {
      case generator -> {
        final long k = o.users;
        // The identity is what makes the events what they are: a checkpoint directory written
        // with another --users is refused instead of resumed with other events.
        yield ssc.generatorStream(new GeneratorSpec<>(i -> "user-" + Long.remainderUnsigned(i * MUL, k),
            o.rate, o.batchEvents, o.events > 0 ? o.events : -1).withIdentity("session-events users=" + k));
      }
      case socket -> ssc.socketTextStream(o.host, o.port).map(String::trim).filter(s -> !s.isEmpty());
      case dir -> ssc.textFileStream(o.dir.toString()).map(String::trim).filter(s -> !s.isEmpty());
      case kafka -> KafkaIo.users(ssc, o);
    };
    MapWithStateDStream<String, Long, Long, Sessions.Update> sessions =
        Sessions.countInto(events, o.sessionTimeout, counts::record, progress::totals, o.registerBatches);
    if (o.outputTopic != null) {
      Sessions.updatedCounts(sessions).foreachBatch(KafkaIo.countsSink(o)); // closed when the context stops
    }
    ssc.addStreamingListener(progress);
    return ssc;
  }

  /**
   * Runs the job until {@code o.events} events were processed (forever if 0), then stops the
   * context gracefully and prints the totals. With a checkpoint directory a killed run resumes
   * where it stopped, and the totals stay exact.
   *
   * @return the exit code: 0 when complete, 1 if the context stopped on an error, 2 if it could
   *     not start (the checkpoint directory belongs to another program, is locked, ...)
   */
  public static int run(Options o, PrintStream out) throws InterruptedException {
    o.validate();
    if (o.outputTopic != null && KafkaIo.ensureTopic(o.bootstrap, o.outputTopic, 2)) {
      out.println("Created topic " + o.outputTopic + " (2 partitions) at " + o.bootstrap);
    }
    UserCounts counts = new UserCounts();
    BatchProgress progress = new BatchProgress(o.events, counts, o.top, o.topEvery, out);
    StreamingContext ssc = o.checkpoint == null ? create(o, counts, progress)
        : StreamingContext.getActiveOrCreate(o.checkpoint.toString(), () -> create(o, counts, progress));
    out.printf("session-count: source=%s events=%s users=%d rate=%s batch=%s batch-events=%d session-timeout=%s "
        + "checkpoint=%s%n", o.source == Source.kafka ? "kafka " + o.topic + " at " + o.bootstrap
            + (o.outputTopic != null ? ", output " + o.outputTopic : "") : o.source,
        o.events > 0 ? o.events : "unbounded", o.users,
        o.rate > 0 ? o.rate + "/s" : "max", o.batch, o.batchEvents, o.sessionTimeout,
        o.checkpoint == null ? "none" : o.checkpoint);
    long t0 = System.nanoTime();
    DemoMetrics metrics;
    try {
      metrics = DemoMetrics.bind(ssc, o.prometheusPort);
      ssc.start();
      ssc.statusUri().ifPresent(uri -> out.println("status page: " + uri));
      metrics.prometheusUri().ifPresent(uri -> out.println("prometheus metrics: " + uri));
    } catch (RuntimeException e) {
      // The operator's view: one line saying what is wrong; the stack trace is in the log.
      LoggerFactory.getLogger(SessionCount.class).debug("Start-up failed", e);
      out.println("FAILED to start: " + e.getMessage());
      out.flush();
      return 2;
    }
    try {
      while (!progress.awaitDone(100, TimeUnit.MILLISECONDS)) {
        if (ssc.awaitTerminationOrTimeout(0)) {
          out.println("Stopped gracefully before all events were processed (processed=" + progress.totals().processed()
              + "); run the same command again to continue");
          return 1;
        }
      }
    } catch (StreamingException e) {
      out.println("FAILED: " + e.getMessage());
      return 1;
    } finally {
      ssc.stop(true);
      metrics.close();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    progress.printTop();
    Sessions.Totals totals = progress.totals();
    out.printf("done in %.1f s (%.0f events/s end to end in this run)%n", seconds, o.events / seconds);
    out.println("TOTAL events=" + totals.eventsInState() + " users=" + totals.usersWithState());
    out.flush();
    return 0;
  }

  @Override
  public Integer call() throws InterruptedException {
    return run(options, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SessionCount()).execute(args));
  }
}
