package io.uji.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SegmentedLog} writes.
 *
 * @param maxSegmentBytes roll to a new segment before a record would make the active one larger
 *     than this (a larger record gets a segment of its own)
 * @param maxSegmentAge roll before appending to a segment that was opened longer ago than this
 * @param fsyncPolicy when appends are forced to the device
 * @param fileIo the file operations (a fault-injection seam; {@link FileIo#real()} normally)
 * @param clock measures segment age
 */
public record LogConfig(
    long maxSegmentBytes, Duration maxSegmentAge, FsyncPolicy fsyncPolicy, FileIo fileIo,
    Clock clock) {

  public LogConfig {
    if (maxSegmentBytes <= LogFormat.HEADER_LENGTH) {
      throw new IllegalArgumentException("maxSegmentBytes " + maxSegmentBytes + " too small");
    }
    Objects.requireNonNull(maxSegmentAge, "maxSegmentAge");
    Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
    Objects.requireNonNull(fileIo, "fileIo");
    Objects.requireNonNull(clock, "clock");
  }

  /** @return 64 MiB segments, rolled at least hourly, group commit within 2 ms, real files */
  public static LogConfig defaults() {
    return new LogConfig(64L << 20, Duration.ofHours(1),
        FsyncPolicy.groupCommit(Duration.ofMillis(2)), FileIo.real(), Clock.systemUTC());
  }

  public LogConfig withMaxSegmentBytes(long bytes) {
    return new LogConfig(bytes, maxSegmentAge, fsyncPolicy, fileIo, clock);
  }

  public LogConfig withMaxSegmentAge(Duration age) {
    return new LogConfig(maxSegmentBytes, age, fsyncPolicy, fileIo, clock);
  }

  public LogConfig withFsyncPolicy(FsyncPolicy policy) {
    return new LogConfig(maxSegmentBytes, maxSegmentAge, policy, fileIo, clock);
  }

  public LogConfig withFileIo(FileIo io) {
    return new LogConfig(maxSegmentBytes, maxSegmentAge, fsyncPolicy, io, clock);
  }

  public LogConfig withClock(Clock c) {
    return new LogConfig(maxSegmentBytes, maxSegmentAge, fsyncPolicy, fileIo, c);
  }
}
