package io.uji.checkpoint;

import java.nio.file.Path;

/**
 * What recovery did when a log was opened.
 *
 * @param outcome CLEAN or TORN_TAIL_TRUNCATED (a CORRUPTED log does not open)
 * @param file the last segment
 * @param validEnd the length of {@code file} after recovery
 * @param bytesDropped how many bytes were truncated
 */
public record RecoveryReport(RecoveryOutcome outcome, Path file, long validEnd, long bytesDropped) {}
