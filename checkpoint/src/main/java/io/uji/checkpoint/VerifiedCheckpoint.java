package io.uji.checkpoint;

import java.util.Map;
import java.util.OptionalInt;

/**
 * A checkpoint whose files were checked against its manifest ({@link CheckpointDirectory#verify}).
 *
 * @param checkpoint the checkpoint
 * @param metadata the owner's metadata passed to {@link PendingCheckpoint#complete(byte[])}
 * @param legacy true if it was written before checkpoints carried a manifest (only its metadata
 *     file's checksum and the presence of its state directory could be checked)
 * @param leftToReader the recorded CRC32C of each state file whose bytes the verification left
 *     to the caller to check as it reads them ({@link CheckpointDirectory#verify(CompletedCheckpoint,
 *     java.util.Set)}), by name relative to the state directory; its presence and size were checked
 */
public record VerifiedCheckpoint(CompletedCheckpoint checkpoint, byte[] metadata, boolean legacy,
    Map<String, Integer> leftToReader) {

  public VerifiedCheckpoint {
    leftToReader = Map.copyOf(leftToReader);
  }

  public VerifiedCheckpoint(CompletedCheckpoint checkpoint, byte[] metadata, boolean legacy) {
    this(checkpoint, metadata, legacy, Map.of());
  }

  /**
   * @return the CRC32C the caller must check {@code name} against as it reads it; empty if the
   *     verification checked that file itself or it is not in the checkpoint
   */
  public OptionalInt crc32cLeftToReader(String name) {
    Integer crc = leftToReader.get(name);
    return crc == null ? OptionalInt.empty() : OptionalInt.of(crc);
  }
}
