package io.uji.engine.access;

import io.uji.streaming.Dataset;

/**
 * The JDK's {@code jdk.internal.access.SharedSecrets} pattern: the public API package installs
 * the implementation of an internal interface when its class is initialized, and the engine
 * fetches it here. It lets the engine reach package-private parts of the public types without
 * making them public (which would make them part of the API users see).
 *
 * <p>{@link Dataset}'s static initializer installs {@link StreamingAccess}; {@link #streaming()}
 * initializes that class first if nothing has yet.
 */
public final class SharedSecrets {
  private static volatile StreamingAccess streamingAccess;

  private SharedSecrets() {}

  /**
   * Installs the implementation; called once, by {@code io.uji.streaming}.
   *
   * @throws IllegalStateException if one is installed already
   */
  public static synchronized void setStreamingAccess(StreamingAccess access) {
    if (streamingAccess != null) {
      throw new IllegalStateException("The StreamingAccess is installed already");
    }
    streamingAccess = access;
  }

  /** @return the implementation installed by {@code io.uji.streaming} */
  public static StreamingAccess streaming() {
    StreamingAccess access = streamingAccess;
    if (access == null) {
      ensureInitialized(Dataset.class);
      access = streamingAccess;
    }
    return access;
  }

  private static void ensureInitialized(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Cannot initialize " + c.getName(), e);
    }
  }
}
