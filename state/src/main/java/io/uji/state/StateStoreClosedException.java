package io.uji.state;

/** A state store, or one of its tables or partitions, was used after the store was closed. */
public class StateStoreClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public StateStoreClosedException(String message) {
    super(message);
  }
}
