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
 * @param directoryId the checkpoint directory the log belongs to: new segments carry it, and a
 *     segment carrying another is refused ({@link ForeignFileException}); {@link
 *     DirectoryId#NONE} for a log outside a checkpoint directory (accepts any)
 */
public record LogConfig(
    long maxSegmentBytes, Duration maxSegmentAge, FsyncPolicy fsyncPolicy, FileIo fileIo,
    Clock clock, DirectoryId directoryId) {

  public LogConfig {
    if (maxSegmentBytes <= LogFormat.HEADER_LENGTH) {
      throw new IllegalArgumentException("maxSegmentBytes " + maxSegmentBytes + " too small");
    }
    Objects.requireNonNull(maxSegmentAge, "maxSegmentAge");
    Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
    Objects.requireNonNull(fileIo, "fileIo");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(directoryId, "directoryId");
  }

  /** Segment size of {@link #defaults()}. */
  public static final long DEFAULT_MAX_SEGMENT_BYTES = 64L << 20;
  /** Segment age of {@link #defaults()}. */
  public static final Duration DEFAULT_MAX_SEGMENT_AGE = Duration.ofHours(1);
  /** Fsync policy of {@link #defaults()}. */
  public static final FsyncPolicy DEFAULT_FSYNC_POLICY = FsyncPolicy.groupCommit(Duration.ofMillis(2));

  /** @return 64 MiB segments, rolled at least hourly, group commit within 2 ms, real files */
  public static LogConfig defaults() {
    return builder().build();
  }

  /** @return a builder holding the {@link #defaults()} */
  public static Builder builder() {
    return new Builder();
  }

  /** @return a builder holding this configuration's values */
  public Builder toBuilder() {
    return new Builder()
        .maxSegmentBytes(maxSegmentBytes)
        .maxSegmentAge(maxSegmentAge)
        .fsyncPolicy(fsyncPolicy)
        .fileIo(fileIo)
        .clock(clock)
        .directoryId(directoryId);
  }

  /** @throws IllegalArgumentException if {@code bytes} is too small */
  public LogConfig withMaxSegmentBytes(long bytes) {
    return toBuilder().maxSegmentBytes(bytes).build();
  }

  /** @throws NullPointerException if {@code age} is null */
  public LogConfig withMaxSegmentAge(Duration age) {
    return toBuilder().maxSegmentAge(age).build();
  }

  /** @throws NullPointerException if {@code policy} is null */
  public LogConfig withFsyncPolicy(FsyncPolicy policy) {
    return toBuilder().fsyncPolicy(policy).build();
  }

  /** @throws NullPointerException if {@code io} is null */
  public LogConfig withFileIo(FileIo io) {
    return toBuilder().fileIo(io).build();
  }

  /** @throws NullPointerException if {@code c} is null */
  public LogConfig withClock(Clock c) {
    return toBuilder().clock(c).build();
  }

  /** @throws NullPointerException if {@code id} is null */
  public LogConfig withDirectoryId(DirectoryId id) {
    return toBuilder().directoryId(id).build();
  }

  /**
   * Collects the values of a {@link LogConfig}, starting from the {@link #defaults()}; {@link
   * #build()} checks them. Each setter names a component of the record (see there).
   */
  public static final class Builder {
    private long maxSegmentBytes = DEFAULT_MAX_SEGMENT_BYTES;
    private Duration maxSegmentAge = DEFAULT_MAX_SEGMENT_AGE;
    private FsyncPolicy fsyncPolicy = DEFAULT_FSYNC_POLICY;
    private FileIo fileIo = FileIo.real();
    private Clock clock = Clock.systemUTC();
    private DirectoryId directoryId = DirectoryId.NONE;

    private Builder() {}

    public Builder directoryId(DirectoryId id) {
      this.directoryId = id;
      return this;
    }

    public Builder maxSegmentBytes(long bytes) {
      this.maxSegmentBytes = bytes;
      return this;
    }

    public Builder maxSegmentAge(Duration age) {
      this.maxSegmentAge = age;
      return this;
    }

    public Builder fsyncPolicy(FsyncPolicy policy) {
      this.fsyncPolicy = policy;
      return this;
    }

    public Builder fileIo(FileIo io) {
      this.fileIo = io;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    /**
     * @return the configuration
     * @throws IllegalArgumentException if {@code maxSegmentBytes} is not larger than a segment
     *     header
     * @throws NullPointerException if a value is null
     */
    public LogConfig build() {
      return new LogConfig(maxSegmentBytes, maxSegmentAge, fsyncPolicy, fileIo, clock, directoryId);
    }
  }
}
