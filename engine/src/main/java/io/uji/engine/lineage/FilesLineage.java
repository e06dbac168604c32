package io.uji.engine.lineage;

import java.util.List;

/**
 * A file stream's part of a batch: the files it read, in order.
 *
 * @param files the files' paths
 */
public record FilesLineage(List<String> files) implements InputLineage {
  public FilesLineage {
    files = List.copyOf(files);
  }
}
