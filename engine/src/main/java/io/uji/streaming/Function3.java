package io.uji.streaming;

/** A function of three arguments (mapWithState's mapping function, transformWith with the batch time). */
@FunctionalInterface
public interface Function3<A, B, C, R> {
  R apply(A a, B b, C c);
}
