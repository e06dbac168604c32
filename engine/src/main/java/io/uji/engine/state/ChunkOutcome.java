package io.uji.engine.state;

import java.util.Arrays;

/**
 * What mapWithState's function calls did to the keys of one chunk (positions of its getAll):
 * each key's state after its records, and which keys to write back, create or remove. Filled
 * by one pass over the chunk (the calls, in batch order) and read by the passes that write the
 * results back, one pass per kind of key.
 *
 * <p>Why separate passes: the JIT compiles each loop for the mix of keys it has seen. One loop
 * doing it all was compiled for "every key new" in the first batch, and each change of the mix
 * (some keys existing, then chunks without new keys) threw the whole compiled loop away with
 * everything it had inlined (the state's serialization, the cache's writes): five to seven
 * compilations of up to 190 kB, ~3–4 s of C2 time in the first five batches. A pass that only
 * ever sees one kind of key keeps its compiled code; the pass of the calls is small to
 * recompile.
 *
 * <p>Reused chunk after chunk by one task (not thread-safe).
 *
 * @param <S> state type
 */
final class ChunkOutcome<S> {
  private Object[] states = new Object[16];
  private boolean[] changed = new boolean[16];
  /** Positions of keys that existed and are kept (written back), of new keys, of removed keys. */
  int[] kept = new int[16];
  int[] created = new int[16];
  int[] removed = new int[16];
  int keptCount;
  int createdCount;
  int removedCount;

  /** Empties this for a chunk of {@code n} keys. */
  void reset(int n) {
    if (states.length < n) {
      int cap = Math.max(n, states.length * 2);
      states = new Object[cap];
      changed = new boolean[cap];
      kept = new int[cap];
      created = new int[cap];
      removed = new int[cap];
    }
    keptCount = 0;
    createdCount = 0;
    removedCount = 0;
  }

  /** Records a key that existed before the chunk and still does; {@code changed}: the function updated it. */
  void keep(int at, S state, boolean changed) {
    states[at] = state;
    this.changed[at] = changed;
    kept[keptCount++] = at;
  }

  /** Records a key the function created. */
  void create(int at, S state) {
    states[at] = state;
    created[createdCount++] = at;
  }

  /** Records a key that existed and that the function removed. */
  void remove(int at) {
    removed[removedCount++] = at;
  }

  @SuppressWarnings("unchecked")
  S state(int at) {
    return (S) states[at];
  }

  boolean changed(int at) {
    return changed[at];
  }

  /** Drops the references to the chunk's states (they may be large; the next chunk may be small). */
  void clear(int n) {
    Arrays.fill(states, 0, n, null);
  }
}
