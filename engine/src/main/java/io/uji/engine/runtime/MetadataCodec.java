package io.uji.engine.runtime;

import io.uji.checkpoint.VerifiedCheckpoint;
import io.uji.serde.KryoPool;
import io.uji.serde.KryoSerde;

/**
 * Writes checkpoint metadata in the current format and reads every format still supported: a
 * checkpoint written before checkpoints were verified ({@link VerifiedCheckpoint#legacy()})
 * holds format 1.
 */
final class MetadataCodec {
  private final KryoSerde<CheckpointMetadata> current;
  private final KryoSerde<CheckpointMetadataV1> v1;

  MetadataCodec(KryoPool kryo) {
    this.current = new KryoSerde<>(kryo, CheckpointMetadata.class);
    this.v1 = new KryoSerde<>(kryo, CheckpointMetadataV1.class);
  }

  byte[] toBytes(CheckpointMetadata metadata) {
    return current.toBytes(metadata);
  }

  /** @throws io.uji.serde.SerdeException if the bytes are not metadata of the checkpoint's format */
  CheckpointMetadata read(VerifiedCheckpoint cp) {
    return cp.legacy() ? v1.fromBytes(cp.metadata()).upgrade() : current.fromBytes(cp.metadata());
  }
}
