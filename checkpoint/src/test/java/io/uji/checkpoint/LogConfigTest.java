package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LogConfigTest {
  private static final Clock FIXED = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final FileIo COUNTING = new TestFileIo();

  @Test
  void shouldBuildTheDefaults() {
    assertEquals(new LogConfig(64L << 20, Duration.ofHours(1), FsyncPolicy.groupCommit(Duration.ofMillis(2)),
        FileIo.real(), Clock.systemUTC(), DirectoryId.NONE), LogConfig.builder().build());
    assertEquals(LogConfig.builder().build(), LogConfig.defaults());
  }

  @Test
  void shouldCarryEveryValueThroughToBuilder() {
    LogConfig c = new LogConfig(4096, Duration.ofMinutes(5), FsyncPolicy.PER_APPEND, COUNTING, FIXED, DirectoryId.NONE);
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void shouldChangeOnlyTheNamedValueWithEachWither() {
    LogConfig c = new LogConfig(4096, Duration.ofMinutes(5), FsyncPolicy.PER_APPEND, COUNTING, FIXED, DirectoryId.NONE);
    assertEquals(new LogConfig(8192, Duration.ofMinutes(5), FsyncPolicy.PER_APPEND, COUNTING, FIXED, DirectoryId.NONE),
        c.withMaxSegmentBytes(8192));
    assertEquals(new LogConfig(4096, Duration.ofSeconds(1), FsyncPolicy.PER_APPEND, COUNTING, FIXED, DirectoryId.NONE),
        c.withMaxSegmentAge(Duration.ofSeconds(1)));
    assertEquals(new LogConfig(4096, Duration.ofMinutes(5), FsyncPolicy.NONE, COUNTING, FIXED, DirectoryId.NONE),
        c.withFsyncPolicy(FsyncPolicy.NONE));
    assertEquals(new LogConfig(4096, Duration.ofMinutes(5), FsyncPolicy.PER_APPEND, FileIo.real(), FIXED, DirectoryId.NONE),
        c.withFileIo(FileIo.real()));
    assertEquals(new LogConfig(4096, Duration.ofMinutes(5), FsyncPolicy.PER_APPEND, COUNTING, Clock.systemUTC(), DirectoryId.NONE),
        c.withClock(Clock.systemUTC()));
  }

  @Test
  void shouldCheckTheValuesWhenBuilding() {
    assertThrows(IllegalArgumentException.class,
        () -> LogConfig.builder().maxSegmentBytes(LogFormat.HEADER_LENGTH).build());
    assertThrows(NullPointerException.class, () -> LogConfig.builder().fsyncPolicy(null).build());
    assertThrows(NullPointerException.class, () -> LogConfig.builder().clock(null).build());
    assertEquals(LogFormat.HEADER_LENGTH + 1,
        LogConfig.builder().maxSegmentBytes(LogFormat.HEADER_LENGTH + 1).build().maxSegmentBytes());
  }
}
