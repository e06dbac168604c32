package io.uji.kafka;

/**
 * A group's batch transaction that did not commit, and why: the member resets its running groups
 * ({@code GroupControl.resetAll}) for every kind, and for {@link Kind#FENCED} also replaces its
 * producer. Failures that stop the context (serialization, authorization, a missing topic) are
 * plain {@link UjiKafkaException}s instead.
 */
final class GroupCommitException extends UjiKafkaException {
  private static final long serialVersionUID = 1L;

  /** Why the transaction did not commit. */
  enum Kind {
    /** Another producer with this transactional id, or the failure detector, fenced the producer. */
    FENCED,
    /** The group coordinator does not know this member in this generation any more. */
    REMOVED,
    /** The transaction was aborted (a broker restart, a timeout): the batch is redone elsewhere or later. */
    ABORTED
  }

  private final Kind kind;

  GroupCommitException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
