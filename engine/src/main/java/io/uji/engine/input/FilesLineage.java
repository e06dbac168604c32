package io.uji.engine.input;

import io.uji.engine.graph.InputLineage;
import java.util.List;

/** A file stream's part of a batch: the files it read, in order. */
public record FilesLineage(List<String> files) implements InputLineage {}
