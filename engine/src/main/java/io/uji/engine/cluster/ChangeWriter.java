package io.uji.engine.cluster;

/**
 * Receives a batch's state changes (implemented by the member: it sends each to the changelog in
 * the batch's transaction). Called from the engine's worker threads, several at once, one key
 * group per thread at a time; an implementation must be thread-safe.
 */
@FunctionalInterface
public interface ChangeWriter {
  /** Takes one change; {@code change}'s arrays are the writer's to keep. */
  void write(StateChange change);
}
