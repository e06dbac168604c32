package io.uji.checkpoint;

import java.nio.file.Path;

/**
 * A file in a checkpoint directory was written by another checkpoint directory (copied in, or
 * left by another run in a directory created again). It is refused: reading it would resume
 * from state or input positions that do not belong to this directory's history.
 */
public class ForeignFileException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the foreign file
   * @param writtenBy the directory id the file carries
   * @param owner this directory's id
   */
  public ForeignFileException(Path file, DirectoryId writtenBy, DirectoryId owner) {
    super(file + " was written by another checkpoint directory (id " + writtenBy + "), not by this one (id "
        + owner + "): it was copied here from another directory or left by another run. Move it out of the "
        + "checkpoint directory, or restore the whole directory from one backup, never files from several");
    this.file = file;
  }

  /** @return the foreign file */
  public Path file() {
    return file;
  }
}
