package io.uji.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads or creates the {@code IDENTITY} file of a checkpoint directory (a {@link MetadataFile}
 * holding the {@link DirectoryId}).
 *
 * <p>A missing or damaged identity file is rebuilt from what the directory's files say: if the
 * files that carry an id (checkpoints, log segments) all carry the same one, that is the directory's id (written back,
 * with a warning); if they carry different ids, files of several directories were mixed and the
 * directory is refused; if none carries one (a new directory, or one written before directories
 * had identities), a new id is drawn.
 */
final class DirectoryIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryIdentity.class);
  static final String FILE = "IDENTITY";

  private DirectoryIdentity() {}

  /**
   * @param carried the ids carried by the directory's files, by file (asked only when the
   *     identity file is missing or damaged)
   * @return the directory's id
   * @throws CheckpointException if the files carry different ids, or the file cannot be written
   */
  static DirectoryId load(Path root, FileIo io, java.util.function.Supplier<Map<Path, DirectoryId>> carried) {
    Path file = root.resolve(FILE);
    String problem;
    if (Files.exists(file)) {
      try {
        return DirectoryId.fromBytes(MetadataFile.read(file));
      } catch (CheckpointCorruptedException | IllegalArgumentException e) {
        problem = "is damaged (" + e.getMessage() + ")";
      }
    } else {
      problem = "is missing";
    }
    Map<Path, DirectoryId> evidence = carried.get();
    Map<DirectoryId, Path> distinct = new LinkedHashMap<>();
    evidence.forEach((f, id) -> distinct.putIfAbsent(id, f));
    DirectoryId id;
    if (distinct.size() > 1) {
      throw new CheckpointException("The identity file " + file + " " + problem + " and the files of " + root
          + " were written by " + distinct.size() + " different checkpoint directories " + describe(distinct.entrySet())
          + ": files of several directories were mixed. Restore the directory from one backup");
    } else if (distinct.size() == 1) {
      id = distinct.keySet().iterator().next();
      LOG.warn("The identity file {} {}; rebuilt from the {} files that carry id {}", file, problem,
          evidence.size(), id);
    } else {
      id = DirectoryId.random();
      if (problem.startsWith("is damaged")) {
        LOG.warn("The identity file {} {} and no file carries an id; the directory gets a new id {}", file, problem, id);
      }
    }
    MetadataFile.write(io, file, id.toBytes());
    return id;
  }

  private static String describe(Collection<Map.Entry<DirectoryId, Path>> ids) {
    StringBuilder b = new StringBuilder("(");
    for (Map.Entry<DirectoryId, Path> e : ids) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(e.getKey()).append(" in ").append(e.getValue());
    }
    return b.append(")").toString();
  }
}
