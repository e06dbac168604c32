package io.uji.kafka;

/**
 * User data of the group protocol written by a newer Uji: the member cannot take part until
 * every member runs a version that reads it (a rolling upgrade finishes).
 */
final class UnsupportedVersionException extends UjiKafkaException {
  private static final long serialVersionUID = 1L;

  UnsupportedVersionException(String what, int version, int supported) {
    super("Cannot read the " + what + ": version " + version + " is newer than " + supported
        + ", the newest this Uji reads; run the same Uji version on every instance of the group");
  }
}
