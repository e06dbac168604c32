package io.uji.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * A checkpoint being written in {@code checkpoints/checkpoint-<id>.inprogress/}. Either
 * {@link #complete(byte[])} makes it visible with one atomic rename, or {@link #close()} (or
 * {@link #abort()}) deletes it: the {@code completed} flag lets a {@code finally} clean up a
 * partial checkpoint (Flink's snapshot strategies do the same).
 */
public final class PendingCheckpoint implements AutoCloseable {

  private final CheckpointDirectory owner;
  private final long id;
  private final Path dir;
  private final Path finalDir;
  private boolean completed;
  private boolean aborted;

  PendingCheckpoint(CheckpointDirectory owner, long id, Path dir, Path finalDir) {
    this.owner = owner;
    this.id = id;
    this.dir = dir;
    this.finalDir = finalDir;
  }

  /** @return the checkpoint id */
  public long id() {
    return id;
  }

  /**
   * @return where the state snapshot must be created. It does not exist yet (RocksDB's
   *     {@code Checkpoint.createCheckpoint} requires a missing target directory).
   */
  public Path stateDir() {
    return dir.resolve(CheckpointDirectory.STATE);
  }

  /**
   * Checksums and forces every file of the state, writes the metadata file atomically (the
   * directory's id, this checkpoint's id, the manifest of the state files and {@code
   * metadata}), renames the checkpoint to its final name atomically and forces the parent.
   *
   * @return the completed checkpoint
   * @throws CheckpointException naming the file if any step fails (the partial checkpoint is
   *     deleted by {@link #close()})
   * @throws IllegalStateException if already completed or aborted
   */
  public CompletedCheckpoint complete(byte[] metadata) {
    if (completed || aborted) {
      throw new IllegalStateException("Checkpoint " + id + " was already "
          + (completed ? "completed" : "aborted"));
    }
    FileIo io = owner.fileIo();
    CheckpointManifest manifest;
    try {
      manifest = CheckpointManifest.of(stateDir(), owner.checksums());
    } catch (IOException e) {
      throw new CheckpointException("Cannot checksum the state files of checkpoint " + dir + ": " + e, e);
    }
    forceTree(io, stateDir());
    CheckpointContents contents = new CheckpointContents(owner.id(), id, manifest, metadata);
    MetadataFile.write(io, dir.resolve(CheckpointDirectory.METADATA), CheckpointContents.VERSION, contents.toBytes());
    CrashPoints.hit("checkpoint.before-rename");
    try {
      io.atomicMove(dir, finalDir);
      io.forceDirectory(finalDir.getParent());
    } catch (IOException e) {
      throw new CheckpointException("Cannot rename checkpoint " + dir + " to " + finalDir
          + ": " + e, e);
    }
    completed = true;
    CrashPoints.hit("checkpoint.after-rename");
    return new CompletedCheckpoint(id, finalDir);
  }

  /**
   * Deletes the partial checkpoint. Does nothing once completed or aborted.
   *
   * @throws CheckpointException if the directory cannot be deleted
   */
  public void abort() {
    if (completed || aborted) {
      return;
    }
    aborted = true;
    try {
      if (Files.exists(dir)) { // gone if the rename of a failed complete() went through
        PathUtils.deleteDirectory(dir);
      }
    } catch (IOException e) {
      throw new CheckpointException("Cannot delete aborted checkpoint " + dir + ": " + e, e);
    }
  }

  /** Aborts unless completed. */
  @Override
  public void close() {
    abort();
  }

  /**
   * Another module produced the state files (RocksDB hard links and copies); force each file and
   * directory ourselves rather than rely on how that module syncs them.
   */
  private static void forceTree(FileIo io, Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (Files.isDirectory(p)) {
          io.forceDirectory(p);
        } else if (Files.isRegularFile(p)) {
          try (var ch = io.open(p, java.nio.file.StandardOpenOption.READ)) {
            io.force(ch);
          }
        }
      }
    } catch (IOException e) {
      throw new CheckpointException("Cannot force checkpoint state under " + root + ": " + e, e);
    }
  }
}
