package io.uji.streaming;

/** A SQL query was refused, failed or ran out of its limits; the message says which and why. */
public class SqlQueryException extends StreamingException {
  private static final long serialVersionUID = 1L;

  /** Why a query did not return rows. */
  public enum Reason {
    /** Not exactly one read-only SELECT, or it used something the sandbox forbids (files, settings). */
    REFUSED,
    /** It ran longer than {@link SqlLimits#timeout()}. */
    TIMED_OUT,
    /** It is not valid SQL, names what does not exist, needs more than its memory, ... */
    FAILED
  }

  private final Reason reason;

  public SqlQueryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public SqlQueryException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
