package io.uji.engine.hooks;

import java.nio.file.Path;
import java.util.List;

/**
 * A read-only look at one context, for scrapes and page refreshes: every call reads the current
 * figures (nothing is cached or pushed). Safe from any thread, before start (the program's
 * inputs and operators, zero counters) as after stop (the last figures).
 */
public interface ContextView {
  /** @return the context's name ("uji-1"), also the prefix of its threads */
  String name();

  /** @return the batch interval in milliseconds */
  long batchIntervalMs();

  /** @return the checkpoint directory, or null */
  Path checkpointDirectory();

  /** @return "INITIALIZED", "ACTIVE" or "STOPPED" */
  String state();

  /** @return the inputs in program order, with their current counters */
  List<InputView> inputs();

  /** @return the stateful operators in program order, with their current figures */
  List<StateView> states();

  /**
   * @return the native memory of the keyed state's RocksDB (block cache, index and filter blocks,
   *     memtables: what the state memory budget bounds), or 0 without keyed state or before start
   */
  long stateNativeMemoryBytes();
}
