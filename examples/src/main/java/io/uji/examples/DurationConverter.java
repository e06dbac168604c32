package io.uji.examples;

import io.uji.streaming.Duration;
import io.uji.streaming.Durations;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a batch interval such as {@code 1s}, {@code 500ms} or {@code 2m} for picocli. */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m)");

  @Override
  public Duration convert(String value) {
    Matcher m = FORMAT.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration like 1s, 500ms or 2m");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Durations.milliseconds(n);
      case "s" -> Durations.seconds(n);
      default -> Durations.minutes(n);
    };
    if (!d.isPositive()) {
      throw new TypeConversionException("the duration must be positive, got '" + value + "'");
    }
    return d;
  }
}
