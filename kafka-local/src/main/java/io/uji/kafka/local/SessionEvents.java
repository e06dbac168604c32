package io.uji.kafka.local;

/**
 * The events of the session-count benchmark workload (the same generator as the benchmarks' and
 * the peer harnesses' {@code Gen}): event {@code i} belongs to user
 * {@code u(i) = (i * 0x9E3779B97F4A7C15) mod_unsigned K}; in Kafka its key is the String
 * {@code "user-" + u(i)} and its value the long {@code i}.
 */
public final class SessionEvents {
  /** The 64-bit golden-ratio multiplier that spreads consecutive events over the users. */
  public static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

  private SessionEvents() {}

  /** {@code u(i)}: the user of event {@code i} among {@code users} users. */
  public static long user(long i, long users) {
    return Long.remainderUnsigned(i * MULTIPLIER, users);
  }

  /** The record key of event {@code i}: {@code "user-" + u(i)}. */
  public static String key(long i, long users) {
    return "user-" + user(i, users);
  }
}
