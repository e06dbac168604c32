package io.uji.engine.runtime;

import io.uji.checkpoint.LogPosition;
import io.uji.engine.lineage.FilesLineage;
import io.uji.engine.lineage.FilesSeen;
import io.uji.engine.lineage.LegacyWalLineage;
import io.uji.engine.lineage.NextOffset;
import io.uji.engine.lineage.OffsetRange;
import io.uji.engine.lineage.PartitionOffsets;
import io.uji.engine.lineage.PartitionRanges;
import io.uji.engine.lineage.WalLineage;
import io.uji.engine.lineage.WalPosition;
import io.uji.serde.KryoRegistry;
import io.uji.streaming.StreamingConfig;
import java.util.Map;

/**
 * The Kryo registry of a context: Uji's built-ins, the engine's own durable types at fixed
 * internal ids, then the user's registrations from {@link StreamingConfig#kryoRegistrations()}.
 *
 * <p>Internal ids (never reuse one for another class; checkpoints and logs hold them):
 * <pre>
 * 50..69  checkpoint records: lineage, metadata, log positions (this class)
 * 70..79  keyed-state records (see {@link #registerStateTypes})
 * </pre>
 */
public final class EngineSerialization {
  private EngineSerialization() {}

  /** @return the registry for a context with this configuration */
  public static KryoRegistry registry(StreamingConfig config) {
    KryoRegistry.Builder b = KryoRegistry.builder().howToRegister(EngineSerialization::howToRegister);
    b.registerInternal(LogPosition.class, 50);
    b.registerInternal(LegacyWalLineage.class, 51);
    b.registerInternal(OffsetRange.class, 52);
    b.registerInternal(FilesLineage.class, 53);
    b.registerInternal(BatchRecord.class, 54);
    b.registerInternal(CheckpointMetadataV1.class, 55);
    b.registerInternal(OperatorInfo.class, 56);
    b.registerInternal(CheckpointMetadata.class, 57);
    b.registerInternal(InputInfo.class, 58);
    b.registerInternal(WalPosition.class, 59);
    b.registerInternal(NextOffset.class, 60);
    b.registerInternal(FilesSeen.class, 61);
    b.registerInternal(ProgramInfo.class, 62);
    b.registerInternal(PartitionRanges.class, 63);
    b.registerInternal(PartitionRanges.Range.class, 64);
    b.registerInternal(PartitionOffsets.class, 65);
    b.registerInternal(WalLineage.class, 66);
    b.registerInternal(GroupCheckpointMetadata.class, 67);
    b.registerInternal(GroupCheckpointMetadata.OperatorPositions.class, 68);
    registerStateTypes(b);
    for (Map.Entry<Class<?>, Integer> e : config.kryoRegistrations().entrySet()) {
      b.register(e.getKey(), e.getValue());
    }
    return b.build();
  }

  /**
   * @return what to do about an unregistered class, in the API users have: the configuration's
   *     registration methods, never the registry's builder (internal)
   */
  public static String howToRegister(String className) {
    String source = className.replace('$', '.');
    return "register it in the context's configuration with StreamingConfig.builder().kryoRegistration(" + source
        + ".class, id) or config.withKryoRegistration(" + source + ".class, id), with an id >= "
        + KryoRegistry.FIRST_USER_ID + " that never changes once checkpoints exist";
  }

  /** The keyed-state operators' internal records, ids 70..79. */
  static void registerStateTypes(KryoRegistry.Builder b) {
    io.uji.engine.state.StateSerialization.register(b);
  }
}
