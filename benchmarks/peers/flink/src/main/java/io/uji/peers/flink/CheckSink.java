package io.uji.peers.flink;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * A Sink V2 that discards the emitted (user, count) pairs and builds the check: the number of
 * records, of records with count 1, the sum of {@link Expected#pairHash} over the pairs, and the
 * largest count per user (= the user's final count: a user always reaches the same sink subtask,
 * which is forward-connected to the keyed operator). Each writer reports its {@link Tally} at
 * close through a static queue, valid because the MiniCluster runs in this JVM.
 */
final class CheckSink implements Sink<Tuple2<String, Long>> {
  private static final long serialVersionUID = 1L;

  /** The tallies of the writers closed so far. */
  static final ConcurrentLinkedQueue<Tally> TALLIES = new ConcurrentLinkedQueue<>();

  private final long k;
  private final boolean wide;

  /**
   * @param k users
   * @param wide per-user maxima as int (K up to 4 M, or counts over 127) rather than byte (a
   *     smaller heap for 20 M users)
   */
  CheckSink(long k, boolean wide) {
    this.k = k;
    this.wide = wide;
  }

  @Override
  public SinkWriter<Tuple2<String, Long>> createWriter(WriterInitContext ctx) {
    return new Writer((int) k, wide);
  }

  /** What one sink subtask saw. */
  static final class Tally {
    long records;
    long ones;
    long checksum;
    long sumFinal;
    long users;
    long overflow;
    long firstWriteMs = -1;
    long endInputMs = -1;
  }

  private static final class Writer implements SinkWriter<Tuple2<String, Long>> {
    private final int[] wideMax;
    private final byte[] narrowMax;
    private final Tally t = new Tally();

    Writer(int k, boolean wide) {
      wideMax = wide ? new int[k] : null;
      narrowMax = wide ? null : new byte[k];
    }

    @Override
    public void write(Tuple2<String, Long> pair, Context context) {
      if (t.records++ == 0) {
        t.firstWriteMs = System.currentTimeMillis();
      }
      String user = pair.f0;
      long c = pair.f1;
      if (c == 1) {
        t.ones++;
      }
      t.checksum += Expected.pairHash(user, c);
      int u = Integer.parseInt(user, 5, user.length(), 10); // after "user-"
      if (wideMax != null) {
        if (c > wideMax[u]) {
          wideMax[u] = (int) c;
        }
      } else if (c > 127) {
        t.overflow++;
      } else if (c > narrowMax[u]) {
        narrowMax[u] = (byte) c;
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      if (endOfInput && t.endInputMs < 0) {
        t.endInputMs = System.currentTimeMillis();
      }
    }

    @Override
    public void close() {
      long s = 0;
      long users = 0;
      if (wideMax != null) {
        for (int m : wideMax) {
          if (m > 0) {
            s += m;
            users++;
          }
        }
      } else {
        for (byte m : narrowMax) {
          if (m > 0) {
            s += m;
            users++;
          }
        }
      }
      t.sumFinal = s;
      t.users = users;
      TALLIES.add(t);
    }
  }
}
