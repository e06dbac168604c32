package io.uji.state;

/**
 * A state store operation failed. The message names the operation, the table (when there is
 * one) and the store directory; the cause is usually a {@code RocksDBException} or an
 * {@code IOException}.
 */
public class StateStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StateStoreException(String message) {
    super(message);
  }
}
