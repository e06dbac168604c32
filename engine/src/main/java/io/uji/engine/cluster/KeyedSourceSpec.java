package io.uji.engine.cluster;

import io.uji.streaming.SourcePartition;
import io.uji.streaming.SourceUnavailableException;
import java.util.List;

/**
 * A keyed, replayable input whose partition number is the key group (implemented by the
 * membership side over its topics). Key group g is partition g of every input topic; its records
 * form partition g of each batch's dataset.
 */
public interface KeyedSourceSpec<T> {
  /** @return the input's identity, checked against a checkpoint as a replayable source's */
  String identity();

  /** @return P, the partition count of every input topic and the number of key groups */
  int groups();

  /**
   * Lists the source partitions of key group {@code group} (one per input topic) with their current
   * ends. Called by the job generator for running groups only.
   *
   * @throws SourceUnavailableException if the source cannot answer now (the batch takes nothing)
   */
  List<SourcePartition> partitions(int group);

  /** Reads positions {@code [from, until)} of a source partition (same records on every call). */
  List<T> read(String partition, long from, long until);

  /** @return records per partition per second at most, 0 for no limit */
  default long maxRatePerPartition() {
    return 0;
  }

  /** Called when the context starts, before the first listing. */
  default void start() {}

  /** Called when the context stops. */
  default void stop() {}
}
