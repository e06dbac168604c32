package io.uji.checkpoint;

/**
 * A checkpoint whose files were checked against its manifest ({@link CheckpointDirectory#verify}).
 *
 * @param checkpoint the checkpoint
 * @param metadata the owner's metadata passed to {@link PendingCheckpoint#complete(byte[])}
 * @param legacy true if it was written before checkpoints carried a manifest (only its metadata
 *     file's checksum and the presence of its state directory could be checked)
 */
public record VerifiedCheckpoint(CompletedCheckpoint checkpoint, byte[] metadata, boolean legacy) {}
