package io.uji.kafka.local;

/**
 * Keeps the command-line entry points quiet: the broker logs every start-up step and its whole
 * configuration at INFO (thousands of lines). Sets slf4j-simple's default level to WARN unless
 * the user set it with {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=...}.
 *
 * <p>Must run before the first logger is created (slf4j-simple reads its settings once), so the
 * {@code main} methods call it first and hold no static logger.
 */
final class QuietLogging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private QuietLogging() {}

  static void install() {
    setIfAbsent("defaultLogLevel", "warn");
    setIfAbsent("showDateTime", "true");
    setIfAbsent("dateTimeFormat", "HH:mm:ss.SSS");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
