package io.uji.streaming;

/** A function of four arguments (mapWithState's mapping function with the batch time). */
@FunctionalInterface
public interface Function4<A, B, C, D, R> {
  R apply(A a, B b, C c, D d);
}
