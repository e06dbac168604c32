package io.uji.streaming;

import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The state of one key as seen by a {@code mapWithState} function (Spark's {@code State}). The
 * same instance may be reused for the next call: do not keep it beyond the call.
 *
 * <p>A state that is timing out ({@link #isTimingOut()}) is removed after the call and can be
 * neither updated nor removed by the function.
 *
 * @param <S> the state type
 */
public interface State<S> {

  /** @return whether the key has a state */
  boolean exists();

  /**
   * @return the state
   * @throws NoSuchElementException if there is none ({@link #exists()} is false)
   */
  S get();

  /** @return the state, or empty if there is none */
  default Optional<S> getOption() {
    return exists() ? Optional.of(get()) : Optional.empty();
  }

  /**
   * Sets the state of the key; later records of the key in the same batch see it.
   *
   * @throws IllegalArgumentException if the state was removed in this call or is timing out
   * @throws NullPointerException if {@code newState} is null (use {@link #remove()})
   */
  void update(S newState);

  /**
   * Removes the state of the key.
   *
   * @throws IllegalArgumentException if the state was already removed in this call or is timing out
   */
  void remove();

  /**
   * @return whether this call is the key's timeout call: no data for the spec's timeout, so the
   *     state is removed after the call
   */
  boolean isTimingOut();
}
