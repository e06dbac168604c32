package io.uji.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file half of a restore, on plain files laid out as a RocksDB checkpoint is. */
class StateRestoreTest {
  @TempDir Path tmp;
  private Path checkpoint;
  private Path live;

  @BeforeEach
  void writeACheckpoint() throws IOException {
    checkpoint = Files.createDirectories(tmp.resolve("checkpoints/cp-1"));
    write(checkpoint.resolve("CURRENT"), "MANIFEST-000005\n");
    write(checkpoint.resolve("MANIFEST-000005"), "manifest");
    write(checkpoint.resolve("OPTIONS-000007"), "options");
    write(checkpoint.resolve("000010.sst"), "sst ten");
    write(checkpoint.resolve("000011.blob"), "blob eleven");
    live = tmp.resolve("work/state");
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void shouldLinkTheImmutableFilesAndCopyTheOthers() throws IOException {
    StateRestore.Copied result = StateRestore.replaceLive(checkpoint, live);
    assertEquals(new StateRestore.Copied(2, 3), result);
    assertEquals(names(checkpoint), names(live));
    for (String n : names(checkpoint)) {
      assertArrayEquals(Files.readAllBytes(checkpoint.resolve(n)), Files.readAllBytes(live.resolve(n)), n);
    }
    assertTrue(Files.isSameFile(checkpoint.resolve("000010.sst"), live.resolve("000010.sst")));
    assertTrue(Files.isSameFile(checkpoint.resolve("000011.blob"), live.resolve("000011.blob")));
    assertFalse(Files.isSameFile(checkpoint.resolve("MANIFEST-000005"), live.resolve("MANIFEST-000005")));
  }

  @Test
  void shouldNeverModifyTheCheckpointThroughTheLiveCopy() throws IOException {
    StateRestore.replaceLive(checkpoint, live);
    Files.writeString(live.resolve("MANIFEST-000005"), " appended", StandardOpenOption.APPEND);
    Files.writeString(live.resolve("CURRENT"), "MANIFEST-000099\n");
    assertEquals("manifest", Files.readString(checkpoint.resolve("MANIFEST-000005")));
    assertEquals("MANIFEST-000005\n", Files.readString(checkpoint.resolve("CURRENT")));
  }

  @Test
  void shouldReplaceAnExistingLiveDatabaseEntirely() throws IOException {
    Files.createDirectories(live);
    write(live.resolve("CURRENT"), "MANIFEST-000001\n");
    write(live.resolve("000001.sst"), "stale");
    StateRestore.replaceLive(checkpoint, live);
    assertEquals(names(checkpoint), names(live));
    StateRestore.replaceLive(checkpoint, live); // and again: the checkpoint can be restored repeatedly
    assertEquals(names(checkpoint), names(live));
  }

  @Test
  void shouldDeleteTheLeftoversOfAnInterruptedRestore() throws IOException {
    Path staging = Files.createDirectories(tmp.resolve("work/state" + StateRestore.STAGING_SUFFIX + "/sub"));
    write(staging.resolve("000009.sst"), "half copied");
    Path old = Files.createDirectories(tmp.resolve("work/state" + StateRestore.OLD_SUFFIX));
    write(old.resolve("CURRENT"), "MANIFEST-000001\n");
    StateRestore.replaceLive(checkpoint, live);
    assertEquals(Set.of("state"), names(tmp.resolve("work")));
    assertEquals(names(checkpoint), names(live));
  }

  @Test
  void shouldRefuseToReplaceADirectoryThatHoldsNoDatabaseAndLeaveItAsItWas() throws IOException {
    Files.createDirectories(live);
    write(live.resolve("notes.txt"), "precious");
    StateStoreException e = assertThrows(StateStoreException.class, () -> StateRestore.replaceLive(checkpoint, live));
    assertTrue(e.getMessage().contains("refusing to delete it"), e.getMessage());
    assertTrue(e.getMessage().contains(live.toString()), e.getMessage());
    assertEquals("precious", Files.readString(live.resolve("notes.txt")));
    assertEquals(Set.of("notes.txt"), names(live));
  }

  @Test
  void shouldRefuseADirectoryThatIsNotACheckpointNamingIt() throws IOException {
    Files.delete(checkpoint.resolve("CURRENT"));
    StateStoreException e = assertThrows(StateStoreException.class, () -> StateRestore.replaceLive(checkpoint, live));
    assertTrue(e.getMessage().contains("not a state checkpoint"), e.getMessage());
    assertTrue(e.getMessage().contains(checkpoint.toString()), e.getMessage());
    assertFalse(Files.exists(live));
  }

  @Test
  void shouldCopyOnlyTheCheckpointsRegularFiles() throws IOException {
    Files.createDirectories(checkpoint.resolve("subdir"));
    StateRestore.replaceLive(checkpoint, live);
    assertEquals(List.of(), names(live).stream().filter(n -> n.equals("subdir")).toList());
  }
}
