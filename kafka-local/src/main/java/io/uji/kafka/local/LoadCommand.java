package io.uji.kafka.local;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code load}: writes the session-count events into a topic with {@link EventLoader}. */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = KafkaVersion.class,
    description = "Writes the session-count events (key \"user-\"+u(i), value i) into a topic.")
final class LoadCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
      description = "The broker (default: ${DEFAULT-VALUE}).")
  private String bootstrap;

  @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "events", description = "Topic (default: ${DEFAULT-VALUE}).")
  private String topic;

  @Option(names = "--events", paramLabel = "N", required = true, description = "Number of events N.")
  private long events;

  @Option(names = "--users", paramLabel = "K", required = true, description = "Number of users K.")
  private long users;

  @Option(names = "--partitions", paramLabel = "P", defaultValue = "" + LoadSpec.DEFAULT_PARTITIONS,
      description = "Partitions of the topic if it is created (default: ${DEFAULT-VALUE}).")
  private int partitions;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    LoadSpec load = new LoadSpec(topic, events, users, partitions);
    LoadResult result = EventLoader.load(bootstrap, load);
    out.printf(Locale.ROOT, "Loaded %d events of %d users into %s (%d partitions) at %s in %.2f s: %.3f M events/s%n",
        result.events(), users, topic, partitions, bootstrap, result.elapsed().toNanos() / 1e9,
        result.eventsPerSecond() / 1e6);
    return 0;
  }
}
