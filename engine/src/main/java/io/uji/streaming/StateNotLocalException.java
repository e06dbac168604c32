package io.uji.streaming;

import java.util.Objects;

/**
 * A key's state was asked of an instance of a group that does not run the key's group: {@link
 * #location()} says which instance does, so that the lookup can be sent there (or asked again
 * after the group's next rebalance when no instance is known).
 */
public class StateNotLocalException extends StreamingException {
  private static final long serialVersionUID = 1L;
  private final transient KeyLocation location;

  /**
   * @param state the operator's name
   * @param key the key asked for
   * @param location where the key's group lives
   */
  public StateNotLocalException(String state, Object key, KeyLocation location) {
    super("Key " + key + " of the state '" + state + "' is in key group " + location.keyGroup() + ", which "
        + (location.localActive() ? "is being restored here: ask again after it runs"
            : location.activeHost().map(h -> "runs on " + h + ": ask there")
                .orElse("no instance is known to run now (the group is rebalancing, or its instance has no"
                    + " applicationServer): ask again later")));
    this.location = Objects.requireNonNull(location, "location");
  }

  /** @return where the key's group lives */
  public KeyLocation location() {
    return location;
  }
}
