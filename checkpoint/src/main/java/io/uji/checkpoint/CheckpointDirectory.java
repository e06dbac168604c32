package io.uji.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.file.PathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint directory of one context: owner-only, locked by one owner at a time, with an
 * identity ({@link DirectoryId}) that every checkpoint written here carries.
 *
 * <pre>
 * &lt;dir&gt;/
 *   LOCK                                   OS file lock; holds the owner's pid
 *   IDENTITY                               the directory's id (a MetadataFile)
 *   PROGRAM                                the owner's description of the program (a MetadataFile)
 *   wal/&lt;name&gt;/                            one SegmentedLog per receiver
 *   lineage/                               the batch lineage SegmentedLog
 *   state/                                 the live state store's files (never trusted after a crash)
 *   checkpoints/checkpoint-&lt;20-digit id&gt;/   completed: state/ + metadata
 *   checkpoints/checkpoint-&lt;id&gt;.inprogress/  being written; deleted on open
 *   checkpoints/checkpoint-&lt;id&gt;.deleting/    being deleted by retention; deleted on open
 *   checkpoints/checkpoint-&lt;id&gt;.corrupt-&lt;ms&gt;/ set aside as damaged ({@link #setAside}); kept for inspection
 * </pre>
 */
public final class CheckpointDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);

  static final String STATE = "state";
  static final String METADATA = "metadata";
  private static final String CHECKPOINTS = "checkpoints";
  private static final String IN_PROGRESS = ".inprogress";
  private static final String DELETING = ".deleting";
  private static final Pattern COMPLETED = Pattern.compile("checkpoint-(\\d{20})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private static final String CORRUPT = ".corrupt-";
  private static final String PROGRAM = "PROGRAM";
  private static final String REASON = "REASON.txt";

  private final Path root;
  private final FileIo io;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChecksums checksums = new FileChecksums();
  private DirectoryId id;
  private boolean closed;

  private CheckpointDirectory(Path root, FileIo io, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.io = io;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens {@code dir} on the real file system.
   *
   * @throws CheckpointDirectoryLockedException if another owner holds it
   * @throws CheckpointException if it cannot be created, is read-only, or cannot be cleaned
   */
  public static CheckpointDirectory open(Path dir) {
    return open(dir, FileIo.real());
  }

  /**
   * Opens (creating with rwx------ if missing) and locks {@code dir}, then deletes leftovers of
   * checkpoints that were in progress or being deleted when a previous owner stopped.
   *
   * @param io the file operations (a fault-injection seam)
   * @throws CheckpointDirectoryLockedException if another owner, in this JVM or another process,
   *     holds it
   * @throws CheckpointException if it cannot be created, is read-only, or cannot be cleaned
   */
  public static CheckpointDirectory open(Path dir, FileIo io) {
    Path root = dir.toAbsolutePath().normalize();
    createOwnerOnly(root);
    Path lockFile = root.resolve("LOCK");
    FileChannel ch;
    try {
      ch = io.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw notWritable(root, lockFile, e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new CheckpointException("Cannot lock " + lockFile + ": " + e, e);
    }
    if (lock == null) {
      String holder = readHolder(ch);
      closeQuietly(ch);
      throw new CheckpointDirectoryLockedException("Checkpoint directory " + root
          + " is in use by another owner (lock file " + lockFile + " is held"
          + (holder.isEmpty() ? "" : " by pid " + holder) + "); only one context may use it");
    }
    try {
      byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      io.write(ch, ByteBuffer.wrap(pid), 0);
      CheckpointDirectory d = new CheckpointDirectory(root, io, ch, lock);
      d.cleanLeftovers();
      d.id = DirectoryIdentity.load(root, io, d::idsCarriedByFiles);
      return d;
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch); // also releases the lock
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException("Cannot prepare checkpoint directory " + root + ": " + e, e);
    }
  }

  /** @return the directory */
  public Path root() {
    return root;
  }

  /** @return this directory's identity, carried by every checkpoint written here */
  public DirectoryId id() {
    return id;
  }

  FileIo fileIo() {
    return io;
  }

  /**
   * @return what the owner wrote with {@link #writeProgram} (its description of the program that
   *     uses the directory), or empty if it never did; a damaged file reads as empty, with a
   *     warning (the owner writes it again)
   * @throws IllegalStateException if this directory is closed
   */
  public java.util.Optional<byte[]> readProgram() {
    checkOpen();
    Path file = root.resolve(PROGRAM);
    if (!Files.exists(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(MetadataFile.read(file));
    } catch (CheckpointCorruptedException e) {
      LOG.warn("Ignoring {}: {}", file, e.getMessage());
      return java.util.Optional.empty();
    }
  }

  /**
   * Replaces the program description atomically.
   *
   * @throws CheckpointException if it cannot be written
   * @throws IllegalStateException if this directory is closed
   */
  public void writeProgram(byte[] description) {
    checkOpen();
    MetadataFile.write(io, root.resolve(PROGRAM), description);
  }

  /** @return the checksums of state files seen so far (written or verified) */
  FileChecksums checksums() {
    return checksums;
  }

  /**
   * @param name the receiver's stable name: letters, digits, '.', '_', '-'
   * @return {@code wal/<name>/}, created if missing
   * @throws IllegalArgumentException if the name could escape the directory
   */
  public Path walDir(String name) {
    if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
      throw new IllegalArgumentException("Invalid WAL name '" + name
          + "': use letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    return subdir(root.resolve("wal").resolve(name));
  }

  /** @return {@code lineage/}, created if missing */
  public Path lineageDir() {
    return subdir(root.resolve("lineage"));
  }

  /** @return {@code state/}, created if missing */
  public Path liveStateDir() {
    return subdir(root.resolve(STATE));
  }

  /**
   * Starts checkpoint {@code id} in {@code checkpoints/checkpoint-<id>.inprogress/}.
   *
   * @throws IllegalArgumentException if {@code id} is negative
   * @throws CheckpointException if a checkpoint with this id exists or the directory cannot be
   *     created
   * @throws IllegalStateException if this directory is closed
   */
  public synchronized PendingCheckpoint begin(long id) {
    checkOpen();
    if (id < 0) {
      throw new IllegalArgumentException("negative checkpoint id " + id);
    }
    Path finalDir = checkpointsDir().resolve(String.format("checkpoint-%020d", id));
    Path pending = finalDir.resolveSibling(finalDir.getFileName() + IN_PROGRESS);
    if (Files.exists(finalDir) || Files.exists(pending)) {
      throw new CheckpointException("Checkpoint " + id + " already exists in " + checkpointsDir());
    }
    try {
      Files.createDirectories(pending);
    } catch (IOException e) {
      throw notWritable(root, pending, e);
    }
    return new PendingCheckpoint(this, id, pending, finalDir);
  }

  /**
   * @return the completed checkpoints, newest (largest id) first
   * @throws CheckpointException if the directory cannot be listed
   * @throws IllegalStateException if this directory is closed
   */
  public synchronized List<CompletedCheckpoint> checkpoints() {
    checkOpen();
    List<CompletedCheckpoint> out = new ArrayList<>();
    for (Path p : list(checkpointsDir())) {
      Matcher m = COMPLETED.matcher(p.getFileName().toString());
      if (m.matches() && Files.isDirectory(p)) {
        out.add(new CompletedCheckpoint(Long.parseLong(m.group(1)), p));
      }
    }
    out.sort(Comparator.comparingLong(CompletedCheckpoint::id).reversed());
    return out;
  }

  /**
   * Checks a checkpoint before it is trusted: its metadata file's checksum, that this directory
   * wrote it, that it is the checkpoint its name says, and that its state consists of exactly
   * the files its manifest records, with their sizes and CRC32Cs (every byte is read). A
   * checkpoint written before checkpoints carried a manifest is checked only for its metadata
   * file and the presence of its state directory ({@link VerifiedCheckpoint#legacy()}).
   *
   * @return the checkpoint with its metadata
   * @throws CheckpointCorruptedException naming the damaged file: set the checkpoint aside
   *     ({@link #setAside}) and fall back to the previous one
   * @throws ForeignFileException if another checkpoint directory wrote it
   * @throws CheckpointException if a file cannot be read for another reason
   * @throws IllegalStateException if this directory is closed
   */
  public VerifiedCheckpoint verify(CompletedCheckpoint cp) {
    return verify(cp, Set.of());
  }

  /**
   * As {@link #verify(CompletedCheckpoint)}, but the bytes of the state files named in {@code
   * readByCaller} (relative to the state directory) are not read: only their presence and size
   * are checked, and their recorded CRC32Cs are handed back ({@link
   * VerifiedCheckpoint#leftToReader}) for the caller to check while it reads them anyway, so
   * that a large file is read once rather than twice. The caller must treat a mismatch as this
   * method would: as damage to the checkpoint ({@link CheckpointCorruptedException} naming it).
   */
  public VerifiedCheckpoint verify(CompletedCheckpoint cp, Set<String> readByCaller) {
    checkOpen();
    CheckpointContents c = cp.readContents();
    if (c.legacy()) {
      if (!Files.isDirectory(cp.stateDir())) {
        throw new CheckpointCorruptedException(cp.stateDir(), "the state directory is missing");
      }
      return new VerifiedCheckpoint(cp, c.metadata(), true);
    }
    if (!c.directoryId().equals(id)) {
      throw new ForeignFileException(cp.metadataFile(), c.directoryId(), id);
    }
    if (c.checkpointId() != cp.id()) {
      throw new CheckpointCorruptedException(cp.metadataFile(), "it was written as checkpoint " + c.checkpointId()
          + ", not " + cp.id() + " (was the directory renamed?)");
    }
    Map<String, Integer> left = c.manifest().verify(cp.stateDir(), checksums, readByCaller);
    return new VerifiedCheckpoint(cp, c.metadata(), false, left);
  }

  /**
   * @return the completed checkpoints whose state holds {@code file} itself (the same inode:
   *     checkpoints share their immutable state files by hard links), newest first; damage to
   *     such a file condemns all of them
   * @throws IllegalStateException if this directory is closed
   */
  public List<CompletedCheckpoint> checkpointsSharing(Path file) {
    Object key = fileKey(file);
    List<CompletedCheckpoint> out = new ArrayList<>();
    if (key == null) {
      return out;
    }
    for (CompletedCheckpoint cp : checkpoints()) {
      try (java.util.stream.Stream<Path> walk = Files.walk(cp.stateDir())) {
        if (walk.anyMatch(p -> key.equals(fileKey(p)))) {
          out.add(cp);
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        LOG.debug("Cannot list {}", cp.stateDir(), e);
      }
    }
    return out;
  }

  private static Object fileKey(Path p) {
    try {
      return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Moves a damaged checkpoint out of the way, to {@code checkpoint-<id>.corrupt-<ms>/} with a
   * {@code REASON.txt} saying why: it is no longer listed, so recovery falls back to the previous
   * one, and a later checkpoint of the same batch can be written again. Nothing is deleted: an
   * operator can inspect it.
   *
   * @return where it went
   * @throws CheckpointException if it cannot be moved
   * @throws IllegalStateException if this directory is closed
   */
  public synchronized Path setAside(CompletedCheckpoint cp, String reason) {
    checkOpen();
    Path aside = cp.dir().resolveSibling(cp.dir().getFileName() + CORRUPT + System.currentTimeMillis());
    try {
      io.atomicMove(cp.dir(), aside);
      io.forceDirectory(checkpointsDir());
    } catch (IOException e) {
      throw new CheckpointException("Cannot move the damaged checkpoint " + cp.dir() + " aside: " + e, e);
    }
    try {
      Files.writeString(aside.resolve(REASON), reason + System.lineSeparator());
    } catch (IOException e) {
      LOG.debug("Cannot write {} in {}", REASON, aside, e); // the WARN of the caller says it too
    }
    return aside;
  }

  /**
   * @return the directory ids carried by the files that carry one (checkpoints' metadata, the
   *     lineage log's and the write-ahead logs' segment headers), by file
   */
  private java.util.Map<Path, DirectoryId> idsCarriedByFiles() {
    java.util.Map<Path, DirectoryId> out = new java.util.LinkedHashMap<>();
    List<Path> logDirs = new ArrayList<>();
    logDirs.add(root.resolve("lineage"));
    Path wal = root.resolve("wal");
    if (Files.isDirectory(wal)) {
      logDirs.addAll(list(wal));
    }
    for (Path logDir : logDirs) {
      if (Files.isDirectory(logDir)) {
        for (Path segment : list(logDir)) {
          LogFormat.ownerOf(segment).ifPresent(id -> out.put(segment, id));
        }
      }
    }
    for (CompletedCheckpoint cp : checkpoints()) {
      try {
        CheckpointContents c = cp.readContents();
        if (!c.legacy()) {
          out.put(cp.metadataFile(), c.directoryId());
        }
      } catch (CheckpointException e) {
        LOG.debug("Checkpoint {} carries no readable id", cp.dir(), e);
      }
    }
    return out;
  }

  /**
   * Deletes all but the newest {@code n} completed checkpoints. Each is first renamed to
   * {@code .deleting} so that a crash mid-delete never leaves a half-deleted checkpoint that
   * looks complete.
   *
   * @return how many were deleted
   * @throws IllegalArgumentException if {@code n < 1}
   * @throws CheckpointException if one cannot be deleted
   */
  public synchronized int retainNewest(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("must retain at least one checkpoint, not " + n);
    }
    List<CompletedCheckpoint> all = checkpoints();
    int deleted = 0;
    for (CompletedCheckpoint c : all.subList(Math.min(n, all.size()), all.size())) {
      CrashPoints.hit("checkpoint.cleanup");
      Path doomed = c.dir().resolveSibling(c.dir().getFileName() + DELETING);
      try {
        io.atomicMove(c.dir(), doomed);
        io.forceDirectory(checkpointsDir());
        PathUtils.deleteDirectory(doomed);
      } catch (IOException e) {
        throw new CheckpointException("Cannot delete old checkpoint " + c.dir() + ": " + e, e);
      }
      deleted++;
    }
    return deleted;
  }

  /** Releases the lock. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("Releasing lock of {} failed; closing the channel releases it", root, e);
    }
    closeQuietly(lockChannel);
  }

  @Override
  public String toString() {
    return "CheckpointDirectory[" + root + "]";
  }

  private Path checkpointsDir() {
    return subdir(root.resolve(CHECKPOINTS));
  }

  private void cleanLeftovers() {
    for (Path p : list(checkpointsDir())) {
      String name = p.getFileName().toString();
      if (name.endsWith(IN_PROGRESS) || name.endsWith(DELETING)) {
        LOG.warn("Deleting {} left by an owner that stopped while it was being {}", p,
            name.endsWith(IN_PROGRESS) ? "written" : "deleted");
        try {
          PathUtils.deleteDirectory(p);
        } catch (IOException e) {
          throw new CheckpointException("Cannot delete leftover " + p + ": " + e, e);
        }
      }
    }
  }

  private Path subdir(Path dir) {
    checkOpen();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw notWritable(root, dir, e);
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new CheckpointException("Cannot list " + dir + ": " + e, e);
    }
    return out;
  }

  private static void createOwnerOnly(Path root) {
    if (Files.isDirectory(root)) {
      return;
    }
    try {
      if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        // The umask may have masked bits of the creation attribute; set them exactly.
        Files.setPosixFilePermissions(root, OWNER_ONLY);
      } else {
        Files.createDirectories(root);
      }
    } catch (IOException e) {
      throw notWritable(root, root, e);
    }
  }

  private static CheckpointException notWritable(Path root, Path file, IOException e) {
    String reason = e instanceof AccessDeniedException
        || (e instanceof FileSystemException fse
            && String.valueOf(fse.getReason()).contains("Read-only"))
        ? "the checkpoint directory is read-only or not writable by this user"
        : e.toString();
    return new CheckpointException("Cannot create " + file + " in checkpoint directory " + root
        + ": " + reason, e);
  }

  private static String readHolder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Nothing was written through this channel that matters after a failure.
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Checkpoint directory " + root + " is closed");
    }
  }
}
