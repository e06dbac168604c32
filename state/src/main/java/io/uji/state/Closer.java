package io.uji.state;

import java.util.List;

/** Closes several resources in order, keeping later failures as suppressed exceptions. */
final class Closer {
  private Closer() {}

  /**
   * Closes every non-null resource in list order, even when some fail.
   *
   * @throws StateStoreException naming {@code what} if any close failed; the first failure is
   *     the cause, the others are suppressed
   */
  static void closeAll(String what, List<? extends AutoCloseable> resources) {
    Exception first = null;
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw new StateStoreException("Error closing " + what, first);
    }
  }
}
