package io.uji.engine.exec;

import io.uji.serde.KryoPool;
import io.uji.serde.KryoSerde;
import io.uji.serde.SerdeException;
import io.uji.serde.UnregisteredClassException;
import io.uji.streaming.StreamingException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catches a value that could not be checkpointed (or written to a write-ahead log) the first time
 * an operator sees it, with or without a checkpoint directory: without this, a state class that
 * is not registered works until the first checkpoint, ten batches later, or forever in local
 * tests that have no checkpoint directory.
 *
 * <p>Cheap: each <em>shape</em> of value is serialized once (a trial, thrown away); a shape is the
 * value's class, and for a collection, map, {@code Optional} or array also the shape of its first
 * element (two levels deep), so that a {@code List<Click>} is checked once it holds a click. A
 * later value of a known shape that holds an unregistered class deeper down still fails at the
 * checkpoint, with the same advice. Per value the cost is a class comparison, or for containers a
 * look at the first element and a set lookup.
 *
 * <p>Thread-safe; {@link #check(int, Object)} is meant to be called by partition tasks, each with
 * its own {@code slot} for the fast path.
 */
public final class SerializationCheck {
  private static final int DEPTH = 2;

  private final KryoPool kryo;
  private final KryoSerde<Object> serde;
  private final String holder;
  private final Set<Object> seen = ConcurrentHashMap.newKeySet();
  /** Per slot, the last leaf class that passed (races between slots are harmless: it is a cache). */
  private final Class<?>[] lastLeaf;

  /**
   * @param holder what holds the values, in the user's terms, to begin the error message with:
   *     "the state of updateStateByKey 'totals'", "the records of receiver 'clicks'"
   * @param slots how many callers use the fast path (partitions); at least 1
   */
  public SerializationCheck(KryoPool kryo, String holder, int slots) {
    this.kryo = kryo;
    this.serde = new KryoSerde<>(kryo, Object.class);
    this.holder = holder;
    this.lastLeaf = new Class<?>[Math.max(1, slots)];
  }

  /**
   * Checks that {@code value} (null passes) can be serialized, trying it only when its shape is new.
   *
   * @param slot the caller's slot in {@code [0, slots)}
   * @throws StreamingException naming the holder, the value's class, the class that is not
   *     registered and how to register it, if it cannot be serialized
   */
  public void check(int slot, Object value) {
    if (value == null) {
      return;
    }
    Class<?> c = value.getClass();
    if (c == lastLeaf[slot]) {
      return;
    }
    Object shape = shapeOf(value, DEPTH);
    if (!seen.contains(shape)) {
      trySerialize(value);
      seen.add(shape);
    }
    if (shape == c) {
      lastLeaf[slot] = c;
    }
  }

  private void trySerialize(Object value) {
    try {
      serde.toBytes(value);
    } catch (UnregisteredClassException e) {
      String nested = e.className().equals(value.getClass().getName()) ? "" : " (which holds a " + e.className() + ")";
      throw new StreamingException(capitalized(holder) + ": a " + value.getClass().getName() + nested
          + " cannot be serialized because " + e.className() + " is not registered, so checkpoints and the"
          + " write-ahead log could not store it; " + kryo.registry().howToRegister(e.className()), e);
    } catch (SerdeException e) {
      throw new StreamingException(capitalized(holder) + ": a " + value.getClass().getName()
          + " cannot be serialized: " + e.getMessage(), e);
    }
  }

  private static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** @return the value's class, or for a container a list of its class and its elements' shapes */
  static Object shapeOf(Object value, int depth) {
    Class<?> c = value.getClass();
    if (depth == 0) {
      return c;
    }
    List<Object> shape = null;
    if (value instanceof Collection<?> coll) {
      Iterator<?> it = coll.iterator();
      shape = elementShape(c, it.hasNext() ? it.next() : null, depth);
    } else if (value instanceof Map<?, ?> map) {
      Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
      if (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        shape = elementShape(c, e.getKey(), depth);
        shape.add(e.getValue() == null ? null : shapeOf(e.getValue(), depth - 1));
      }
    } else if (value instanceof Optional<?> o) {
      shape = elementShape(c, o.orElse(null), depth);
    } else if (value instanceof Object[] && Array.getLength(value) > 0) {
      shape = elementShape(c, Array.get(value, 0), depth);
    }
    return shape == null ? c : shape;
  }

  private static List<Object> elementShape(Class<?> container, Object first, int depth) {
    List<Object> shape = new ArrayList<>(3);
    shape.add(container);
    shape.add(first == null ? null : shapeOf(first, depth - 1));
    return shape;
  }
}
