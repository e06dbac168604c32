package io.uji.engine.ops;

import io.uji.engine.graph.Node;
import io.uji.streaming.Duration;
import java.util.List;

/**
 * The check every operator over several streams shares (union, transform, transformWith; cogroup
 * and the joins have their own): the streams belong to one context and produce their datasets at
 * the same times, as Spark requires.
 */
final class SameSlide {
  private SameSlide() {}

  /**
   * @param operation the operator's name in the user's terms
   * @return the first stream
   * @throws IllegalArgumentException if {@code streams} is empty, or two of them have different
   *     slide durations or belong to different contexts
   */
  static Node<?> check(List<? extends Node<?>> streams, String operation) {
    if (streams.isEmpty()) {
      throw new IllegalArgumentException(operation + " needs at least one stream");
    }
    Node<?> first = streams.get(0);
    Duration slide = first.slideDuration();
    for (Node<?> n : streams) {
      if (n.graph() != first.graph()) {
        throw new IllegalArgumentException(operation + " of streams of different streaming contexts");
      }
      if (!n.slideDuration().equals(slide)) {
        throw new IllegalArgumentException(operation + " of streams with different slide durations: " + slide
            + " and " + n.slideDuration() + "; every stream must produce its batches at the same times");
      }
    }
    return first;
  }
}
