package io.uji.engine.receiver;

import java.util.List;

/** Reads a block back from the write-ahead log (recovery). */
public interface BlockReader<T> {
  /** @return the records of the block written at {@code position} */
  List<T> read(Object position);
}
