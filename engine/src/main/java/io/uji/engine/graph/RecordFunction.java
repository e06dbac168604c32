package io.uji.engine.graph;

import java.util.function.Consumer;

/** One step of a narrow operator: pushes the zero or more outputs of one input record. */
@FunctionalInterface
public interface RecordFunction<T, R> {
  void apply(T in, Consumer<? super R> out);
}
