package io.uji.state;

import java.nio.file.Path;

/**
 * A state checkpoint's file whose bytes are not the ones the checkpoint recorded: the file is
 * damaged, and the checkpoint must not be used (its owner sets it aside and falls back to an
 * older one, as if the checkpoint's own verification had found the damage).
 */
public class StateFileDamagedException extends StateStoreException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String reason;

  public StateFileDamagedException(Path file, String reason) {
    super("Damaged state checkpoint file " + file + ": " + reason);
    this.file = file;
    this.reason = reason;
  }

  /** @return what is wrong with it, without its name */
  public String reason() {
    return reason;
  }

  /** @return the damaged file */
  public Path file() {
    return file;
  }
}
