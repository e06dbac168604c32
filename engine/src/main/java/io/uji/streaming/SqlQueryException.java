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

  /**
   * @param reason why the query returned no rows
   * @param message what was refused or failed, in the query's terms
   * @param cause the SQL engine's error
   */
  public SqlQueryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * @param reason why the query returned no rows
   * @param message what was refused or failed, in the query's terms
   */
  public SqlQueryException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * @return why the query returned no rows: refused by the sandbox (change the query), timed out
   *     (narrow it or raise {@link SqlLimits#timeout()}), or failed
   */
  public Reason reason() {
    return reason;
  }
}
