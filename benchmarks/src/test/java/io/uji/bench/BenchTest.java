package io.uji.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchTest {
  @Test
  void shouldMatchThePeersGeneratorForTheFirstEvents() {
    // u(i) = (i * 0x9E3779B97F4A7C15) mod_unsigned K, as in benchmarks/peers/common/.../Gen.java.
    assertEquals("user-0", Gen.record(0, 1_000_000));
    assertEquals(Long.remainderUnsigned(0x9E3779B97F4A7C15L, 1_000_000), Gen.user(1, 1_000_000));
    assertEquals(7, Gen.distinctUsers(1_000, 7));
  }

  @Test
  void shouldCountEachUsersEventsAsTheGeneratorEmitsThem() {
    int[] direct = new int[2_000_003];
    for (long i = 0; i < 5_000_000; i++) {
      direct[(int) Gen.user(i, direct.length)]++; // more users than a page of 2^20
    }
    ExpectedCounts counts = ExpectedCounts.of(5_000_000, direct.length);
    for (int u = 0; u < direct.length; u++) {
      assertEquals(direct[u], counts.count(u), "user " + u);
    }
    assertEquals(Gen.distinctUsers(5_000_000, direct.length), counts.users());
  }

  @Test
  void shouldCountUsersWithMoreEventsThanAByteHolds() {
    ExpectedCounts counts = ExpectedCounts.of(1_000, 3);
    int[] direct = new int[3];
    for (long i = 0; i < 1_000; i++) {
      direct[(int) Gen.user(i, 3)]++;
    }
    for (int u = 0; u < 3; u++) {
      assertEquals(direct[u], counts.count(u), "user " + u);
    }
    assertEquals(3, counts.users());
  }

  @Test
  void shouldBuildWordCountLinesFromTheGeneratorsUsers() {
    assertEquals("w" + Gen.user(30, 100) + " w" + Gen.user(31, 100) + " w" + Gen.user(32, 100), Gen.line(10, 3, 100));
  }

  @Test
  void shouldTakeNearestRankPercentilesAndTheMedian() {
    long[] sorted = {10, 20, 30, 40};
    assertEquals(40, Stats.percentile(sorted, 0.99));
    assertEquals(20, Stats.percentile(sorted, 0.5));
    assertEquals(25, Stats.median(sorted));
    assertEquals(30, Stats.median(new long[] {10, 30, 50}));
  }

  @Test
  void shouldPassTheCheckOfASmallWordCountRun() {
    assertEquals(0, new CommandLine(new Bench()).execute("wordcount", "--n", "20000", "--b", "5000", "--interval-ms", "50"));
  }

  @Test
  void shouldPassTheCheckOfASmallInMemorySessionCountRun() {
    assertEquals(0, new CommandLine(new Bench()).execute("session-count", "--variant", "inmem", "--n", "30000", "--k",
        "1000", "--b", "10000", "--interval-ms", "50"));
  }
}
