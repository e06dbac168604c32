package io.uji.engine.hooks;

import java.util.Map;

/**
 * One input of the program as it is now.
 *
 * @param index its place in the program (the order of {@link BatchReport#inputRecords()})
 * @param name its short name ("receiver-3")
 * @param kind "receiver", "generator", "files", "queue", "replayable"
 * @param identity what it reads, in the user's terms
 * @param receiver a receiver's counters, or null for other kinds
 * @param lag for a replayable source, per partition: records readable but not yet processed by a
 *     completed batch, as of the last batch generated (empty for other kinds)
 */
public record InputView(int index, String name, String kind, String identity, ReceiverCounters receiver,
    Map<String, Long> lag) {
  public InputView {
    lag = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(lag)); // partitions in order
  }
}
