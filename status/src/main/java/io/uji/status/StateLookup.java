package io.uji.status;

import io.uji.streaming.KeyLocation;
import io.uji.streaming.KeyedState;
import io.uji.streaming.StateNotLocalException;
import io.uji.streaming.StreamingContext;
import io.uji.streaming.StreamingException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code GET /api/state/<operator>?key=<key>[&standby=true]}: one key's state, answered here when
 * its key group runs here, else redirected ({@code 307}) to the instance of the group that runs it
 * (Kafka Streams leaves that routing to each application; here any instance's page answers for
 * the whole group). The key is given as text and read as the operator's key type, which must be
 * one that text names unambiguously (strings, numbers, booleans, UUIDs); other keys are looked up
 * through SQL or {@link KeyedState#get}.
 */
final class StateLookup {
  /** The key types a URL can name, and how their text is read. */
  private static final Map<Class<?>, Function<String, Object>> KEY_READERS = Map.of(
      String.class, s -> s,
      Integer.class, Integer::valueOf,
      Long.class, Long::valueOf,
      Short.class, Short::valueOf,
      Byte.class, Byte::valueOf,
      Double.class, Double::valueOf,
      Float.class, Float::valueOf,
      Boolean.class, StateLookup::readBoolean,
      UUID.class, UUID::fromString);

  /**
   * What to send back.
   *
   * @param status the HTTP status
   * @param json the body
   * @param location the {@code Location} of a redirect, if one
   * @param retryLater whether to tell the client to ask again ({@code Retry-After})
   */
  record Answer(int status, String json, Optional<String> location, boolean retryLater) {
    static Answer of(int status, String json) {
      return new Answer(status, json, Optional.empty(), false);
    }
  }

  private final StreamingContext ssc;

  StateLookup(StreamingContext ssc) {
    this.ssc = ssc;
  }

  /**
   * @param operator the operator's name, from the path
   * @param keyText the {@code key} parameter, null if missing
   * @param allowStandby whether a local standby copy may answer
   */
  Answer answer(String operator, String keyText, boolean allowStandby) {
    KeyedState<Object, Object> state;
    try {
      @SuppressWarnings("unchecked") // the key is read as the operator's own key type below
      KeyedState<Object, Object> s = (KeyedState<Object, Object>) ssc.keyedState(operator);
      state = s;
    } catch (IllegalArgumentException e) {
      return Answer.of(404, error("NO_SUCH_STATE", e.getMessage()));
    }
    if (keyText == null) {
      return Answer.of(400, error("BAD_KEY", "Name the key: /api/state/" + operator + "?key=<key>"));
    }
    Object key;
    try {
      key = readKey(keyText, state.keyType());
    } catch (IllegalArgumentException e) {
      return Answer.of(400, error("BAD_KEY", e.getMessage()));
    }
    try {
      Optional<Object> value = state.get(key, allowStandby);
      JsonWriter w = new JsonWriter().beginObject().field("operator", operator).name("key").value(key)
          .field("found", value.isPresent()).name("state").value(value.orElse(null));
      return Answer.of(200, w.endObject().toString());
    } catch (StateNotLocalException e) {
      return elsewhere(operator, keyText, allowStandby, e);
    } catch (IllegalStateException e) { // a group that cannot locate keys (no key serializer)
      return Answer.of(500, error("CANNOT_LOCATE", e.getMessage()));
    } catch (StreamingException e) { // not running, or the read failed
      return new Answer(503, error("UNAVAILABLE", e.getMessage()), Optional.empty(), true);
    }
  }

  /** The key's group runs on another instance (redirect), or nowhere known yet (ask again). */
  private static Answer elsewhere(String operator, String keyText, boolean allowStandby, StateNotLocalException e) {
    KeyLocation at = e.location();
    JsonWriter body = new JsonWriter().beginObject().field("error", e.getMessage()).field("operator", operator)
        .field("keyGroup", at.keyGroup());
    if (at.localActive() || at.activeHost().isEmpty()) { // restoring here, or the group is moving
      String json = body.field("reason", "NOT_RUNNING_YET").endObject().toString();
      return new Answer(503, json, Optional.empty(), true);
    }
    String host = at.activeHost().get();
    String location = "http://" + host + "/api/state/" + encode(operator) + "?key=" + encode(keyText)
        + (allowStandby ? "&standby=true" : "");
    String json = body.field("reason", "ELSEWHERE").field("activeHost", host).endObject().toString();
    return new Answer(307, json, Optional.of(location), false);
  }

  /**
   * @param keyType the operator's key type, null before it has any key (then the text is the key)
   * @throws IllegalArgumentException if the text does not name a key of that type
   */
  static Object readKey(String text, Class<?> keyType) {
    if (keyType == null) {
      return text;
    }
    Function<String, Object> reader = KEY_READERS.get(keyType);
    if (reader == null) {
      throw new IllegalArgumentException("The keys of this state are " + keyType.getName()
          + ", which a URL cannot name: look them up with SQL (POST /api/sql) or KeyedState.get");
    }
    try {
      return reader.apply(text);
    } catch (IllegalArgumentException e) { // NumberFormatException too
      throw new IllegalArgumentException("'" + text + "' is not a " + keyType.getSimpleName()
          + ", the key type of this state", e);
    }
  }

  private static Object readBoolean(String text) {
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.valueOf(text);
    }
    throw new IllegalArgumentException("not true or false: " + text);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String error(String reason, String message) {
    return JsonRenderer.sqlError(reason, message);
  }
}
