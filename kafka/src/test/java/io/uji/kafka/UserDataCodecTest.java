package io.uji.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** SubscriptionInfo and AssignmentInfo: round trips, and clear errors on anything else. */
class UserDataCodecTest {
  private static SubscriptionInfo randomSubscription(Random rnd) {
    SortedMap<Integer, Long> sums = new TreeMap<>();
    for (int i = rnd.nextInt(20); i > 0; i--) {
      sums.put(rnd.nextInt(1000), rnd.nextLong());
    }
    return new SubscriptionInfo("instance-" + rnd.nextInt(100) + "-é", rnd.nextLong(),
        rnd.nextBoolean() ? "" : "10.0.3." + rnd.nextInt(255) + ":4040", rnd.nextLong(), rnd.nextInt(100) - 1, sums);
  }

  private static List<Integer> groups(Random rnd) {
    List<Integer> g = new ArrayList<>();
    for (int i = rnd.nextInt(8); i > 0; i--) {
      g.add(rnd.nextInt(500));
    }
    return g;
  }

  private static AssignmentInfo randomAssignment(Random rnd) {
    List<AssignmentInfo.Host> hosts = new ArrayList<>();
    for (int i = rnd.nextInt(5); i > 0; i--) {
      hosts.add(new AssignmentInfo.Host("host" + i + ":80", groups(rnd), groups(rnd)));
    }
    AssignmentInfo.ErrorCode[] codes = AssignmentInfo.ErrorCode.values();
    return new AssignmentInfo(codes[rnd.nextInt(codes.length)], rnd.nextInt(1000), groups(rnd), groups(rnd), hosts);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void subscriptionsRoundTrip() {
    Random rnd = new Random(1);
    for (int i = 0; i < 500; i++) {
      SubscriptionInfo s = randomSubscription(rnd);
      assertEquals(s, SubscriptionInfo.decode(s.encode()));
    }
  }

  @Test
  void assignmentsRoundTrip() {
    Random rnd = new Random(2);
    for (int i = 0; i < 500; i++) {
      AssignmentInfo a = randomAssignment(rnd);
      assertEquals(a, AssignmentInfo.decode(a.encode()));
    }
  }

  @Test
  void everyTruncationFailsWithAnErrorNamingTheField() {
    Random rnd = new Random(3);
    for (int i = 0; i < 50; i++) {
      byte[] s = bytes(randomSubscription(rnd).encode());
      byte[] a = bytes(randomAssignment(rnd).encode());
      for (int cut = 0; cut < s.length; cut++) {
        UjiKafkaException e = assertThrows(UjiKafkaException.class,
            decodePrefix(s, cut, SubscriptionInfo::decode));
        assertTrue(e.getMessage().startsWith("Cannot read the Uji subscription data: "), e.getMessage());
        assertTrue(e.getMessage().contains(" at byte "), e.getMessage());
      }
      for (int cut = 0; cut < a.length; cut++) {
        assertThrows(UjiKafkaException.class, decodePrefix(a, cut, AssignmentInfo::decode));
      }
    }
  }

  private static org.junit.jupiter.api.function.Executable decodePrefix(byte[] b, int length,
      Function<ByteBuffer, ?> decode) {
    return () -> decode.apply(ByteBuffer.wrap(b, 0, length).slice());
  }

  @Test
  void corruptBytesDecodeToSomethingOrFailWithTheModulesError() {
    Random rnd = new Random(4);
    for (int i = 0; i < 2000; i++) {
      boolean sub = rnd.nextBoolean();
      byte[] b = bytes(sub ? randomSubscription(rnd).encode() : randomAssignment(rnd).encode());
      int at = rnd.nextInt(b.length);
      b[at] = (byte) rnd.nextInt(256);
      try {
        if (sub) {
          SubscriptionInfo.decode(ByteBuffer.wrap(b));
        } else {
          AssignmentInfo.decode(ByteBuffer.wrap(b));
        }
      } catch (UjiKafkaException expected) {
        assertTrue(expected.getMessage().startsWith("Cannot read the Uji "), expected.getMessage());
      }
    }
  }

  @Test
  void aHugeCountIsRefusedBeforeAnythingIsAllocated() {
    ByteBuffer b = ByteBuffer.allocate(2 + 4 + 4 + 4);
    b.putShort((short) 1).putInt(0).putInt(7).putInt(Integer.MAX_VALUE).flip();
    UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> AssignmentInfo.decode(b));
    assertTrue(e.getMessage().contains("standbys at byte 10"), e.getMessage());
    assertTrue(e.getMessage().contains("count 2147483647 is not in [0, 65535]"), e.getMessage());
  }

  @Test
  void aNewerVersionIsReportedAsSuch() {
    byte[] b = bytes(randomSubscription(new Random(5)).encode());
    b[1] = 2;
    UjiKafkaException e = assertThrows(UnsupportedVersionException.class, () -> SubscriptionInfo.decode(ByteBuffer.wrap(b)));
    assertTrue(e.getMessage().contains("version 2 is newer than 1"), e.getMessage());
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] b = bytes(randomAssignment(new Random(6)).encode());
    byte[] longer = java.util.Arrays.copyOf(b, b.length + 3);
    UjiKafkaException e = assertThrows(UjiKafkaException.class, () -> AssignmentInfo.decode(ByteBuffer.wrap(longer)));
    assertTrue(e.getMessage().contains("3 bytes after the last field"), e.getMessage());
  }
}
