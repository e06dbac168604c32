package io.uji.checkpoint;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the records of one segment file and classifies how it ends (Ratis'
 * SegmentedRaftLogReader, Kafka's LogSegment.recover): a clean end, a torn tail, or corruption.
 */
final class SegmentScanner {

  /**
   * @param outcome how the segment ends
   * @param validEnd offset just past the last valid record
   * @param records how many valid records precede {@code validEnd}
   * @param badOffset for CORRUPTED, the offset of the first bad frame; else -1
   * @param reason for a non-clean outcome, what was wrong at {@code validEnd}
   */
  record Result(RecoveryOutcome outcome, long validEnd, long records, long badOffset,
      String reason) {}

  private SegmentScanner() {}

  /**
   * Scans {@code channel} (a segment whose header is already checked) from the end of its
   * {@code headerLength}-byte header up to {@code size}.
   */
  static Result scan(FileChannel channel, long size, int headerLength) throws IOException {
    if (size <= headerLength) {
      return new Result(RecoveryOutcome.CLEAN, headerLength, 0, -1, null);
    }
    if (size > Integer.MAX_VALUE) {
      throw new IOException("segment of " + size + " bytes is larger than supported");
    }
    // A read-only mapping: sequential and allocation-free; unmapped when this method returns.
    MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    try {
      return scan(map, (int) size, headerLength);
    } finally {
      unmap(map);
    }
  }

  private static Result scan(ByteBuffer map, int end, int headerLength) {
    int pos = headerLength;
    long records = 0;
    while (pos < end) {
      String problem = frameProblem(map, pos, end);
      if (problem != null) {
        int next = findValidFrameAfter(map, pos, end);
        if (next >= 0) {
          return new Result(RecoveryOutcome.CORRUPTED, pos, records, pos,
              problem + ", yet a valid record follows at offset " + next);
        }
        return new Result(RecoveryOutcome.TORN_TAIL_TRUNCATED, pos, records, -1, problem);
      }
      pos += LogFormat.FRAME_OVERHEAD + map.getInt(pos);
      records++;
    }
    return new Result(RecoveryOutcome.CLEAN, pos, records, -1, null);
  }

  /** {@code sun.misc.Unsafe.invokeCleaner} bound to the Unsafe instance, or null if unavailable. */
  private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

  private static MethodHandle findInvokeCleaner() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(theUnsafe.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Unmaps {@code map} now instead of whenever the garbage collector finds it unreachable: until
   * then the mapping keeps the file in use, so a segment deleted after recovery would keep its
   * disk space and its file system could not be unmounted. Java 17 has no public way to unmap,
   * so this uses {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}), as
   * Kafka and Lucene do; where it is unavailable the collector unmaps as before. The buffer must
   * not be used afterwards.
   */
  static void unmap(MappedByteBuffer map) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) map);
    } catch (Throwable e) {
      // Not unmapped now: the collector will.
    }
  }

  /** @return null if a valid frame starts at {@code pos}, else what is wrong with it */
  static String frameProblem(ByteBuffer map, int pos, int end) {
    if (end - pos < 4) {
      return "short read of a length field (" + (end - pos) + " of 4 bytes)";
    }
    int length = map.getInt(pos);
    if (length < 0) {
      return "negative record length " + length;
    }
    if ((long) length + LogFormat.FRAME_OVERHEAD > end - pos) {
      return "short read of a " + length + "-byte record (" + (end - pos) + " bytes left)";
    }
    int stored = map.getInt(pos + 4 + length);
    int actual = LogFormat.recordCrc(length, map.slice(pos + 4, length));
    if (stored != actual) {
      return "record CRC mismatch";
    }
    return null;
  }

  /**
   * Looks for any valid frame starting after {@code bad}. Random bytes pass the CRC with
   * probability 2^-32 per offset, and zeros never do (CRC32C of a zero length is not zero), so
   * finding one means real records follow the damage: corruption, not a torn write.
   */
  private static int findValidFrameAfter(ByteBuffer map, int bad, int end) {
    for (int q = bad + 1; q + LogFormat.FRAME_OVERHEAD <= end; q++) {
      if (frameProblem(map, q, end) == null) {
        return q;
      }
    }
    return -1;
  }
}
