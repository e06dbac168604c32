package io.uji.engine.runtime;

import io.uji.engine.graph.InputNode;

/**
 * An input as a checkpoint directory remembers it, to refuse a program that reads other inputs.
 * Durable (Kryo): components never change.
 *
 * @param kind the input's stable kind ({@link InputNode#kind()})
 * @param identity what it reads ({@link InputNode#identity()}); empty when not known
 */
public record InputInfo(String kind, String identity) {
  static InputInfo of(InputNode<?, ?, ?> in) {
    return new InputInfo(in.kind(), in.identity());
  }

  /** @return how users know this input, e.g. "a generator stream ('sessions users=50000')" */
  String describe() {
    String what = switch (kind) {
      case "generator" -> "a generator stream";
      case "receiver" -> "a receiver stream";
      case "files" -> "a text file stream";
      case "queue" -> "a queue stream";
      case "replayable" -> "a replayable source stream";
      default -> "a " + kind + " stream";
    };
    return identity == null || identity.isEmpty() ? what : what + " ('" + identity + "')";
  }
}
