package io.uji.engine.ops;

import io.uji.engine.graph.Node;
import io.uji.streaming.Duration;

/** The argument checks every window operator shares, with messages that say what to change. */
final class WindowChecks {
  private WindowChecks() {}

  static void check(Node<?> parent, Duration window, Duration slide) {
    if (window == null || slide == null) {
      throw new IllegalArgumentException("window and slide durations must be given");
    }
    if (!window.isPositive() || !slide.isPositive()) {
      throw new IllegalArgumentException("window (" + window + ") and slide (" + slide + ") durations must be positive");
    }
    Duration parentSlide = parent.slideDuration();
    if (!window.isMultipleOf(parentSlide)) {
      throw new IllegalArgumentException("The window duration (" + window + ") must be a multiple of the slide "
          + "duration of the parent stream (" + parentSlide + "), which is the batch interval for input streams");
    }
    if (!slide.isMultipleOf(parentSlide)) {
      throw new IllegalArgumentException("The slide duration (" + slide + ") must be a multiple of the slide "
          + "duration of the parent stream (" + parentSlide + "), which is the batch interval for input streams");
    }
    if (window.compareTo(slide) < 0) {
      // Spark accepts it and silently leaves out the records between two windows.
      throw new IllegalArgumentException("The window duration (" + window + ") is shorter than the slide duration ("
          + slide + "): the records that arrive between two windows would be in none of them. Use a window at "
          + "least as long as the slide");
    }
  }
}
