package io.uji.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the leader tells each member with its assignment: the user data of the assignment. The
 * member's active groups are the assigned partitions themselves; this carries the rest.
 *
 * <pre>
 * | version : i16 (=1) | error : i32 | planEpoch : i32 | standbys : int list | warmups : int list |
 * | m : i32 | (applicationServer : string, active : int list, standby : int list) * m |
 * </pre>
 *
 * (strings, lists and bounds: {@link UserDataReader}).
 *
 * @param error {@link ErrorCode#NONE}, or why the member got nothing
 * @param planEpoch increases with every plan the leader makes
 * @param standbys the groups this member keeps a standby copy of
 * @param warmups the groups it warms up to take over
 * @param hosts every member that has an application server, with its groups (host metadata)
 */
record AssignmentInfo(ErrorCode error, int planEpoch, List<Integer> standbys, List<Integer> warmups, List<Host> hosts) {
  static final short VERSION = 1;
  private static final String WHAT = "Uji assignment data";

  /** Why a member got no groups. Codes are part of the format. */
  enum ErrorCode {
    NONE(0),
    /** Its program's stateful operators differ from the group's. */
    INCOMPATIBLE_PROGRAM(1),
    /** Its subscription was of a version the leader cannot read. */
    UNSUPPORTED_VERSION(2),
    /** Its subscription could not be read at all. */
    UNREADABLE_SUBSCRIPTION(3);

    final int code;

    ErrorCode(int code) {
      this.code = code;
    }

    static ErrorCode of(int code) {
      for (ErrorCode e : values()) {
        if (e.code == code) {
          return e;
        }
      }
      return null;
    }
  }

  /**
   * @param applicationServer the member's address for state queries
   * @param active its active groups
   * @param standby its standby groups
   */
  record Host(String applicationServer, List<Integer> active, List<Integer> standby) {
    Host {
      Objects.requireNonNull(applicationServer, "applicationServer");
      active = List.copyOf(active);
      standby = List.copyOf(standby);
    }
  }

  AssignmentInfo {
    Objects.requireNonNull(error, "error");
    standbys = List.copyOf(standbys);
    warmups = List.copyOf(warmups);
    hosts = List.copyOf(hosts);
  }

  ByteBuffer encode() {
    int size = 2 + 4 + 4 + 4 + 4 * standbys.size() + 4 + 4 * warmups.size() + 4;
    for (Host h : hosts) {
      size += UserDataReader.stringSize(h.applicationServer()) + 8 + 4 * (h.active().size() + h.standby().size());
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putShort(VERSION);
    out.putInt(error.code);
    out.putInt(planEpoch);
    UserDataReader.writeGroups(out, standbys);
    UserDataReader.writeGroups(out, warmups);
    out.putInt(hosts.size());
    for (Host h : hosts) {
      UserDataReader.writeString(out, h.applicationServer(), "applicationServer");
      UserDataReader.writeGroups(out, h.active());
      UserDataReader.writeGroups(out, h.standby());
    }
    return out.flip();
  }

  /**
   * @throws UnsupportedVersionException if the data is of a newer version
   * @throws UjiKafkaException if the data is not an assignment of this format (naming the field)
   */
  static AssignmentInfo decode(ByteBuffer data) {
    UserDataReader r = new UserDataReader(WHAT, data);
    short version = r.readVersion(VERSION);
    int code = r.readInt("error");
    ErrorCode error = ErrorCode.of(code);
    if (error == null) {
      throw r.error("error", "unknown error code " + code);
    }
    int epoch = r.readInt("planEpoch");
    List<Integer> standbys = r.readGroups("standbys");
    List<Integer> warmups = r.readGroups("warmups");
    int m = r.readCount("hosts", UserDataReader.MAX_COUNT);
    List<Host> hosts = new ArrayList<>(Math.min(m, 1024));
    for (int i = 0; i < m; i++) {
      hosts.add(new Host(r.readString("host applicationServer"), r.readGroups("host active"), r.readGroups("host standby")));
    }
    r.requireEnd();
    return new AssignmentInfo(error, epoch, standbys, warmups, hosts);
  }
}
