package io.uji.streaming;

/** A function of three arguments (mapWithState's mapping function, transformWith with the batch time). */
@FunctionalInterface
public interface Function3<A, B, C, R> {
  /**
   * Applies the function. Called on worker threads; it must not keep the arguments beyond the
   * call when they are mutable ({@link State} is valid only during the call).
   *
   * @param a the first argument
   * @param b the second argument
   * @param c the third argument
   * @return the result
   */
  R apply(A a, B b, C c);
}
