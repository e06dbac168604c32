package io.uji.bench.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a survivor's output says about restoring the victim's partitions after the kill: the
 * records restored and when the last of them was ready to run. Two formats:
 *
 * <ul>
 *   <li>Uji (the kafka module's INFO lines, slf4j-simple with {@code HH:mm:ss.SSS} times):
 *       {@code Restored key group g of 'op' from ... [a, b): n changes ...} and {@code Key group g
 *       runs here ...};
 *   <li>Kafka Streams ({@code KStreamsFailoverInstance}'s restore listener): {@code RESTORE_END
 *       partition=p records=n epoch_ms=t}.
 * </ul>
 *
 * @param records changelog records restored for the victim's partitions after the kill
 * @param readyMs when the last of the victim's partitions was restored (epoch ms; 0 if none seen)
 */
record RestoreLog(long records, long readyMs) {
  private static final Pattern UJI_RESTORED =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Restored key group (\\d+) of .*\\): (\\d+) changes");
  private static final Pattern UJI_RUNS = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Key group (\\d+) runs here");
  private static final Pattern KS_END =
      Pattern.compile("^RESTORE_END partition=(\\d+) records=(\\d+) epoch_ms=(\\d+)");

  static RestoreLog read(Path file, Set<Integer> partitions, long sinceMs) throws IOException {
    long records = 0;
    long ready = 0;
    for (String l : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      Matcher m = UJI_RESTORED.matcher(l);
      if (m.find() && partitions.contains(Integer.parseInt(m.group(2)))) {
        long t = epochMs(m.group(1), sinceMs);
        if (t >= sinceMs) {
          records += Long.parseLong(m.group(3));
        }
        continue;
      }
      m = UJI_RUNS.matcher(l);
      if (m.find() && partitions.contains(Integer.parseInt(m.group(2)))) {
        long t = epochMs(m.group(1), sinceMs);
        if (t >= sinceMs) {
          ready = Math.max(ready, t);
        }
        continue;
      }
      m = KS_END.matcher(l);
      if (m.find() && partitions.contains(Integer.parseInt(m.group(1)))) {
        long t = Long.parseLong(m.group(3));
        if (t >= sinceMs) {
          records += Long.parseLong(m.group(2));
          ready = Math.max(ready, t);
        }
      }
    }
    return new RestoreLog(records, ready);
  }

  /** A local time of day on this machine, read as the moment nearest to {@code nearMs}. */
  private static long epochMs(String hhmmss, long nearMs) {
    ZoneId zone = ZoneId.systemDefault();
    LocalDate day = java.time.Instant.ofEpochMilli(nearMs).atZone(zone).toLocalDate();
    long best = 0;
    for (int d = -1; d <= 1; d++) {
      long t = LocalTime.parse(hhmmss).atDate(day.plusDays(d)).atZone(zone).toInstant().toEpochMilli();
      if (best == 0 || Math.abs(t - nearMs) < Math.abs(best - nearMs)) {
        best = t;
      }
    }
    return best;
  }
}
