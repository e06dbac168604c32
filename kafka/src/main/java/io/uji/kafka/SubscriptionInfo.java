package io.uji.kafka;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a member tells the group's leader when it joins: the user data of its subscription.
 *
 * <pre>
 * | version : i16 (=1) | instanceId : string | incarnation : i64 | applicationServer : string |
 * | stateSignature : i64 | ownedGeneration : i32 | n : i32 | (group : i32, positionSum : i64) * n |
 * </pre>
 *
 * (strings and bounds: {@link UserDataReader}). A version newer than this code's is refused with
 * {@link UnsupportedVersionException}, so the leader can answer "unsupported version" instead of
 * misreading it.
 *
 * @param instanceId the member's instance id
 * @param incarnation random per process start
 * @param applicationServer where its status page answers, empty if none
 * @param stateSignature hash of P and every stateful operator (name, kind, types, key encoding)
 * @param ownedGeneration the generation in which it got the partitions it owns, -1 if none
 * @param positionSums per key group it holds a local copy of, the sum over operators of its
 *     changelog position (for lags)
 */
record SubscriptionInfo(String instanceId, long incarnation, String applicationServer, long stateSignature,
    int ownedGeneration, SortedMap<Integer, Long> positionSums) {
  static final short VERSION = 1;
  private static final String WHAT = "Uji subscription data";

  SubscriptionInfo {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(applicationServer, "applicationServer");
    positionSums = Collections.unmodifiableSortedMap(new TreeMap<>(positionSums));
  }

  ByteBuffer encode() {
    int size = 2 + UserDataReader.stringSize(instanceId) + 8 + UserDataReader.stringSize(applicationServer) + 8 + 4
        + 4 + 12 * positionSums.size();
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putShort(VERSION);
    UserDataReader.writeString(out, instanceId, "instanceId");
    out.putLong(incarnation);
    UserDataReader.writeString(out, applicationServer, "applicationServer");
    out.putLong(stateSignature);
    out.putInt(ownedGeneration);
    out.putInt(positionSums.size());
    for (Map.Entry<Integer, Long> e : positionSums.entrySet()) {
      out.putInt(e.getKey());
      out.putLong(e.getValue());
    }
    return out.flip();
  }

  /**
   * @throws UnsupportedVersionException if the data is of a newer version
   * @throws UjiKafkaException if the data is not a subscription of this format (naming the field)
   */
  static SubscriptionInfo decode(ByteBuffer data) {
    UserDataReader r = new UserDataReader(WHAT, data);
    short version = r.readVersion(VERSION);
    String instanceId = r.readString("instanceId");
    long incarnation = r.readLong("incarnation");
    String server = r.readString("applicationServer");
    long signature = r.readLong("stateSignature");
    int generation = r.readInt("ownedGeneration");
    int n = r.readCount("positionSums", UserDataReader.MAX_COUNT);
    SortedMap<Integer, Long> sums = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      int g = r.readInt("positionSums group");
      long sum = r.readLong("positionSums sum");
      if (g < 0 || g >= UserDataReader.MAX_COUNT || sums.put(g, sum) != null) {
        throw r.error("positionSums group", "group " + g + " is out of range or repeated");
      }
    }
    r.requireEnd();
    return new SubscriptionInfo(instanceId, incarnation, server, signature, generation, sums);
  }
}
