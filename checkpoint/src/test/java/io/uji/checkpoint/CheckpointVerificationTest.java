package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints are verified against their manifest and their directory's identity before use. */
class CheckpointVerificationTest {
  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("cp");
  }

  /** A checkpoint whose state is the given files (name, content). */
  private static CompletedCheckpoint write(CheckpointDirectory d, long id, Object... nameAndContent)
      throws IOException {
    try (PendingCheckpoint p = d.begin(id)) {
      Files.createDirectories(p.stateDir());
      for (int i = 0; i < nameAndContent.length; i += 2) {
        Files.write(p.stateDir().resolve((String) nameAndContent[i]), (byte[]) nameAndContent[i + 1]);
      }
      return p.complete(new byte[] {(byte) id});
    }
  }

  @Test
  void anIntactCheckpointVerifiesAndYieldsItsMetadata() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint cp = write(d, 3, "000001.sst", new byte[] {1, 2, 3}, "CURRENT", new byte[] {4});
      VerifiedCheckpoint v = d.verify(cp);
      assertArrayEquals(new byte[] {3}, v.metadata());
      assertFalse(v.legacy());
    }
  }

  @Test
  void aTruncatedStateFileIsReportedWithItsSizes() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint cp = write(d, 1, "MANIFEST-000005", new byte[100]);
      Path f = cp.stateDir().resolve("MANIFEST-000005");
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.truncate(38);
      }
      CheckpointCorruptedException e = assertThrows(CheckpointCorruptedException.class, () -> d.verify(cp));
      assertEquals(f, e.file());
      assertTrue(e.getMessage().contains("38 bytes") && e.getMessage().contains("recorded 100"), e.getMessage());
    }
  }

  @Test
  void aFlippedBitInAStateFileIsFound() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint cp = write(d, 1, "000009.sst", new byte[4096]);
      Path f = cp.stateDir().resolve("000009.sst");
      byte[] b = Files.readAllBytes(f);
      b[4000] ^= 0x04;
      Files.write(f, b);
      CheckpointCorruptedException e = assertThrows(CheckpointCorruptedException.class, () -> d.verify(cp));
      assertEquals(f, e.file());
      assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }
  }

  @Test
  void aMissingAndAnAddedStateFileAreFound() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint cp = write(d, 1, "CURRENT", new byte[] {1}, "OPTIONS-000007", new byte[] {2});
      Files.delete(cp.stateDir().resolve("CURRENT"));
      CheckpointCorruptedException missing = assertThrows(CheckpointCorruptedException.class, () -> d.verify(cp));
      assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
      Files.write(cp.stateDir().resolve("CURRENT"), new byte[] {1});
      Files.write(cp.stateDir().resolve("000010.sst"), new byte[] {3});
      CheckpointCorruptedException added = assertThrows(CheckpointCorruptedException.class, () -> d.verify(cp));
      assertEquals(cp.stateDir().resolve("000010.sst"), added.file());
    }
  }

  @Test
  void aFileDamagedInPlaceAfterItWasChecksummedKeepsItsRecordedChecksum() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint first = write(d, 1, "000001.sst", new byte[64]);
      Path sst = first.stateDir().resolve("000001.sst");
      byte[] b = Files.readAllBytes(sst);
      b[10] = 7; // damaged in place: same inode, same size
      Files.write(sst, b);
      // The next checkpoint links the same file, as a RocksDB checkpoint does.
      CompletedCheckpoint second;
      try (PendingCheckpoint p = d.begin(2)) {
        Files.createDirectories(p.stateDir());
        Files.createLink(p.stateDir().resolve("000001.sst"), sst);
        second = p.complete(new byte[] {2});
      }
      assertThrows(CheckpointCorruptedException.class, () -> d.verify(second));
      assertEquals(List.of(second, first), d.checkpointsSharing(second.stateDir().resolve("000001.sst")));
    }
  }

  @Test
  void aCheckpointOfAnotherDirectoryIsForeign() throws IOException {
    Path other = tmp.resolve("other");
    try (CheckpointDirectory o = CheckpointDirectory.open(other)) {
      write(o, 5, "CURRENT", new byte[] {1});
    }
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      write(d, 1, "CURRENT", new byte[] {1});
      Files.move(other.resolve("checkpoints/checkpoint-00000000000000000005"),
          dir().resolve("checkpoints/checkpoint-00000000000000000005"));
      CompletedCheckpoint copied = d.checkpoints().get(0);
      ForeignFileException e = assertThrows(ForeignFileException.class, () -> d.verify(copied));
      assertTrue(e.getMessage().contains(d.id().toString()), e.getMessage());
    }
  }

  @Test
  void theIdentitySurvivesReopeningAndIsRebuiltFromCheckpointsWhenItsFileIsLost() throws IOException {
    DirectoryId id;
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      id = d.id();
      write(d, 1, "CURRENT", new byte[] {1});
    }
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      assertEquals(id, d.id());
    }
    Files.write(dir().resolve("IDENTITY"), new byte[] {0, 1, 2}); // damaged
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      assertEquals(id, d.id(), "rebuilt from the checkpoint that carries it");
      d.verify(d.checkpoints().get(0));
    }
    Files.delete(dir().resolve("IDENTITY"));
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      assertEquals(id, d.id());
    }
  }

  @Test
  void aLostIdentityWithCheckpointsOfTwoDirectoriesIsRefused() throws IOException {
    Path other = tmp.resolve("other");
    try (CheckpointDirectory o = CheckpointDirectory.open(other)) {
      write(o, 5, "CURRENT", new byte[] {1});
    }
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      write(d, 1, "CURRENT", new byte[] {1});
    }
    Files.move(other.resolve("checkpoints/checkpoint-00000000000000000005"),
        dir().resolve("checkpoints/checkpoint-00000000000000000005"));
    Files.delete(dir().resolve("IDENTITY"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointDirectory.open(dir()));
    assertTrue(e.getMessage().contains("several directories"), e.getMessage());
  }

  @Test
  void aSetAsideCheckpointIsNoLongerListedAndSaysWhy() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint older = write(d, 1, "CURRENT", new byte[] {1});
      CompletedCheckpoint newer = write(d, 2, "CURRENT", new byte[] {2});
      Path aside = d.setAside(newer, "CURRENT is damaged");
      assertEquals(List.of(older), d.checkpoints());
      assertTrue(aside.getFileName().toString().startsWith("checkpoint-00000000000000000002.corrupt-"));
      assertTrue(Files.readString(aside.resolve("REASON.txt")).contains("CURRENT is damaged"));
      write(d, 2, "CURRENT", new byte[] {2}); // the batch's checkpoint can be written again
    }
  }

  @Test
  void aCheckpointWrittenBeforeManifestsIsReadAsLegacy() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      Path cp = dir().resolve("checkpoints/checkpoint-00000000000000000007");
      Files.createDirectories(cp.resolve("state"));
      MetadataFile.write(cp.resolve("metadata"), new byte[] {7, 7});
      VerifiedCheckpoint v = d.verify(d.checkpoints().get(0));
      assertTrue(v.legacy());
      assertArrayEquals(new byte[] {7, 7}, v.metadata());
    }
  }
}
