package io.uji.checkpoint;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * What a checkpoint's {@code metadata} file holds: whose directory wrote it, which checkpoint it
 * is, the manifest of its state files, and the owner's metadata (opaque here).
 *
 * <pre>
 * version 2 (a {@link MetadataFile} of version 2), big-endian:
 *   long directoryId.high | long directoryId.low | long checkpointId
 *   | manifest ({@link CheckpointManifest}) | int L | owner's metadata (L bytes)
 * version 1 (written before checkpoints were verified): the owner's metadata alone
 * </pre>
 *
 * @param directoryId the directory that wrote it; null for a version 1 checkpoint
 * @param checkpointId the id it was written as; -1 for version 1
 * @param manifest its state files; null for version 1
 * @param metadata the owner's metadata
 */
record CheckpointContents(DirectoryId directoryId, long checkpointId, CheckpointManifest manifest, byte[] metadata) {
  static final int VERSION = 2;

  /** @return true if written before checkpoints carried a manifest and a directory id */
  boolean legacy() {
    return manifest == null;
  }

  byte[] toBytes() {
    byte[] files = manifest.toBytes();
    return ByteBuffer.allocate(24 + files.length + 4 + metadata.length)
        .putLong(directoryId.high()).putLong(directoryId.low()).putLong(checkpointId)
        .put(files).putInt(metadata.length).put(metadata).array();
  }

  /**
   * @param version the metadata file's version
   * @throws IllegalArgumentException if the payload is not valid for that version
   */
  static CheckpointContents fromBytes(int version, byte[] payload) {
    if (version == 1) {
      return new CheckpointContents(null, -1, null, payload);
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(payload);
      DirectoryId dir = new DirectoryId(in.getLong(), in.getLong());
      long id = in.getLong();
      CheckpointManifest manifest = CheckpointManifest.read(in);
      int length = in.getInt();
      if (length != in.remaining()) {
        throw new IllegalArgumentException("the metadata length says " + length + " bytes, " + in.remaining()
            + " remain");
      }
      byte[] metadata = new byte[length];
      in.get(metadata);
      return new CheckpointContents(dir, id, manifest, metadata);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("cut short", e);
    }
  }
}
