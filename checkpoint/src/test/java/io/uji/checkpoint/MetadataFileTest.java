package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataFileTest {

  @TempDir Path dir;

  @Test
  void shouldRoundTripAndLeaveNoTemporaryFile() throws IOException {
    Path f = dir.resolve("metadata");
    MetadataFile.write(f, new byte[] {1, 2, 3});
    MetadataFile.write(f, new byte[] {4, 5});
    assertArrayEquals(new byte[] {4, 5}, MetadataFile.read(f));
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")));
    }
  }

  @Test
  void shouldDetectATornMetadataFileAtAnyLength() throws IOException {
    Path f = dir.resolve("metadata");
    byte[] payload = new byte[100];
    new Random(7).nextBytes(payload);
    MetadataFile.write(f, payload);
    long size = Files.size(f);
    for (long cut = 0; cut < size; cut++) {
      Path torn = dir.resolve("torn-" + cut);
      Files.copy(f, torn);
      try (RandomAccessFile raf = new RandomAccessFile(torn.toFile(), "rw")) {
        raf.setLength(cut);
      }
      CheckpointCorruptedException e = assertThrows(CheckpointCorruptedException.class,
          () -> MetadataFile.read(torn));
      assertTrue(e.getMessage().contains(torn.toString()), e.getMessage());
    }
  }

  @Test
  void shouldDetectABitFlipAnywhere() throws IOException {
    Path f = dir.resolve("metadata");
    MetadataFile.write(f, new byte[50]);
    long size = Files.size(f);
    Random random = new Random(3);
    for (int i = 0; i < 200; i++) {
      Path flipped = dir.resolve("flip-" + i);
      Files.copy(f, flipped);
      SegmentedLogTest.flipBit(flipped, random.nextInt((int) size), random.nextInt(8));
      assertThrows(CheckpointCorruptedException.class, () -> MetadataFile.read(flipped));
    }
  }

  @Test
  void shouldReportAMissingMetadataFileAsCorrupted() {
    assertThrows(CheckpointCorruptedException.class, () -> MetadataFile.read(dir.resolve("none")));
  }

  @Test
  void shouldKeepTheOldContentWhenTheNewWriteFails() {
    Path f = dir.resolve("metadata");
    MetadataFile.write(f, new byte[] {1});
    TestFileIo io = new TestFileIo();
    io.spaceLeft.set(3);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> MetadataFile.write(io, f, new byte[] {2, 2, 2, 2}));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertArrayEquals(new byte[] {1}, MetadataFile.read(f));
  }
}
