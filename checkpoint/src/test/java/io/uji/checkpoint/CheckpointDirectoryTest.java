package io.uji.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uji.testsupport.Tmpfs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDirectoryTest {

  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("cp");
  }

  @Test
  void shouldCreateTheDirectoryOwnerOnly() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.root())));
    }
  }

  @Test
  void shouldRefuseASecondOpenerInTheSameJvm() {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CheckpointDirectoryLockedException e = assertThrows(CheckpointDirectoryLockedException.class,
          () -> CheckpointDirectory.open(dir()));
      assertTrue(e.getMessage().contains(d.root().toString()), e.getMessage());
    }
    CheckpointDirectory.open(dir()).close(); // released on close
  }

  @Test
  void shouldRefuseASecondOpenerInAnotherJvm() throws Exception {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      ChildJvm.Result r = ChildJvm.run(tmp, List.of(), ChildMain.class, "lock", dir().toString());
      assertEquals(3, r.exitCode(), r.output());
      assertTrue(r.output().contains("LOCKED: Checkpoint directory " + d.root()), r.output());
      assertTrue(r.output().contains("pid " + ProcessHandle.current().pid()), r.output());
    }
    ChildJvm.Result r = ChildJvm.run(tmp, List.of(), ChildMain.class, "lock", dir().toString());
    assertEquals(0, r.exitCode(), r.output());
  }

  @Test
  void shouldHandOutTheDocumentedLayout() {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      assertEquals(d.root().resolve("wal/receiver-1"), d.walDir("receiver-1"));
      assertEquals(d.root().resolve("lineage"), d.lineageDir());
      assertEquals(d.root().resolve("state"), d.liveStateDir());
      assertTrue(Files.isDirectory(d.walDir("receiver-1")));
      assertThrows(IllegalArgumentException.class, () -> d.walDir("../escape"));
    }
  }

  @Test
  void shouldPublishACompletedCheckpointWithItsStateAndMetadata() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      CompletedCheckpoint done;
      try (PendingCheckpoint p = d.begin(42)) {
        assertFalse(Files.exists(p.stateDir()), "the state dir must not exist yet");
        Files.createDirectories(p.stateDir());
        Files.write(p.stateDir().resolve("000001.sst"), new byte[] {9});
        done = p.complete(new byte[] {1, 2});
      }
      assertEquals(d.root().resolve("checkpoints/checkpoint-00000000000000000042"), done.dir());
      assertEquals(List.of(done), d.checkpoints());
      assertArrayEquals(new byte[] {1, 2}, done.readMetadata());
      assertArrayEquals(new byte[] {9}, Files.readAllBytes(done.stateDir().resolve("000001.sst")));
    }
  }

  @Test
  void shouldDeleteACheckpointClosedWithoutComplete() {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      Path pendingDir;
      try (PendingCheckpoint p = d.begin(1)) {
        pendingDir = p.stateDir().getParent();
        assertTrue(Files.isDirectory(pendingDir));
      }
      assertFalse(Files.exists(pendingDir));
      assertTrue(d.checkpoints().isEmpty());
    }
  }

  @Test
  void shouldDeleteInProgressLeftoversOnOpen() throws IOException {
    Path leftover = dir().resolve("checkpoints/checkpoint-00000000000000000005.inprogress/state");
    Files.createDirectories(leftover);
    Files.write(leftover.resolve("x"), new byte[] {1});
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      assertFalse(Files.exists(leftover.getParent()));
      assertTrue(d.checkpoints().isEmpty());
    }
  }

  @Test
  void shouldListNewestFirstAndRetainOnlyTheNewestN() {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      for (long id : new long[] {3, 1, 10, 7}) {
        d.begin(id).complete(new byte[] {(byte) id});
      }
      assertEquals(List.of(10L, 7L, 3L, 1L), d.checkpoints().stream().map(CompletedCheckpoint::id).toList());
      assertEquals(2, d.retainNewest(2));
      assertEquals(List.of(10L, 7L), d.checkpoints().stream().map(CompletedCheckpoint::id).toList());
    }
  }

  @Test
  void shouldDetectATornOrBitFlippedCheckpointMetadataSoTheCallerCanFallBack() throws IOException {
    try (CheckpointDirectory d = CheckpointDirectory.open(dir())) {
      d.begin(1).complete(new byte[] {1, 1, 1});
      CompletedCheckpoint newest = d.begin(2).complete(new byte[] {2, 2, 2});
      SegmentedLogTest.flipBit(newest.metadataFile(), 17, 3);
      CheckpointCorruptedException e = assertThrows(CheckpointCorruptedException.class,
          newest::readMetadata);
      assertTrue(e.getMessage().contains(newest.metadataFile().toString()), e.getMessage());
      assertArrayEquals(new byte[] {1, 1, 1}, d.checkpoints().get(1).readMetadata());
    }
  }

  @Test
  void shouldRefuseAReadOnlyDirectoryWithAClearMessage() throws Exception {
    Path ro = tmp.resolve("ro");
    Files.createDirectories(ro);
    boolean mounted = false;
    if (isRoot()) {
      // Root ignores permission bits, so only a read-only mount makes a directory read-only.
      mounted = Tmpfs.mount(ro, "ro,size=1m");
      assumeTrue(mounted, "cannot mount a read-only tmpfs here");
    } else {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-x------"));
    }
    try {
      CheckpointException e = assertThrows(CheckpointException.class,
          () -> CheckpointDirectory.open(ro));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      assertTrue(e.getMessage().contains(ro.toString()), e.getMessage());
    } finally {
      if (mounted) {
        Tmpfs.unmount(ro);
      } else {
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwx------"));
      }
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
