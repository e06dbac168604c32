package io.uji.engine.lineage;

import java.util.List;

/**
 * A file stream's position: the names of the files taken so far that are still in its
 * directory (a file still there is never read twice; a name that reappears after its file was
 * removed is a new file).
 *
 * @param names file names (without the directory)
 */
public record FilesSeen(List<String> names) implements InputPosition {
  public FilesSeen {
    names = List.copyOf(names);
  }
}
