package io.uji.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.util.Objects;
import java.util.function.Function;

/**
 * A thread-safe pool of Kryo instances configured by one {@link KryoRegistry}, plus pooled
 * {@link Output} and {@link Input} buffers. Kryo instances are not thread-safe; a borrowed one
 * belongs to the borrowing thread until it is released.
 *
 * <p>Pooled Outputs start at {@value #INITIAL_BUFFER} bytes and grow without bound while in use;
 * one that grew past {@value #MAX_RETAINED_BUFFER} bytes is shrunk on release, so one huge value
 * does not pin a huge buffer forever.
 */
public final class KryoPool {

  static final int INITIAL_BUFFER = 4096;
  static final int MAX_RETAINED_BUFFER = 1 << 20;

  private final KryoRegistry registry;
  private final Pool<Kryo> kryos;
  private final Pool<Output> outputs;
  private final Pool<Input> inputs;

  /**
   * @param registry the registrations every pooled Kryo gets
   */
  public KryoPool(KryoRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    int max = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    this.kryos = new Pool<>(true, false, max) {
      @Override
      protected Kryo create() {
        return registry.newKryo();
      }
    };
    this.outputs = new Pool<>(true, false, max) {
      @Override
      protected Output create() {
        return new Output(INITIAL_BUFFER, -1);
      }

      @Override
      protected void reset(Output output) {
        if (output.getBuffer().length > MAX_RETAINED_BUFFER) {
          output.setBuffer(new byte[INITIAL_BUFFER], -1);
        } else {
          output.reset();
        }
      }
    };
    this.inputs = new Pool<>(true, false, max) {
      @Override
      protected Input create() {
        return new Input();
      }

      @Override
      protected void reset(Input input) {
        // Drop the reference to the caller's byte array so the pool does not keep it alive.
        input.setBuffer(EMPTY);
      }
    };
  }

  private static final byte[] EMPTY = new byte[0];

  /**
   * Per-thread fast path: one Kryo, Output and Input per thread, lent without the pool's lock.
   * A nested borrow on the same thread (a serializer using a serde) falls back to the pool.
   */
  private static final class Local {
    Kryo kryo;
    boolean kryoLent;
    Output output;
    boolean outputLent;
    Input input;
    boolean inputLent;
  }

  private final ThreadLocal<Local> local = ThreadLocal.withInitial(Local::new);

  /** @return the registry this pool configures its Kryo instances with */
  public KryoRegistry registry() {
    return registry;
  }

  /**
   * Runs {@code work} with a Kryo instance borrowed for the duration of the call.
   *
   * @return what {@code work} returns
   */
  public <R> R withKryo(Function<Kryo, R> work) {
    Kryo kryo = kryos.obtain();
    try {
      return work.apply(kryo);
    } finally {
      kryos.free(kryo);
    }
  }

  /** @return a Kryo instance for this thread's exclusive use; give it back with {@link #release} */
  public Kryo borrowKryo() {
    Local l = local.get();
    if (!l.kryoLent) {
      if (l.kryo == null) {
        l.kryo = registry.newKryo();
      }
      l.kryoLent = true;
      return l.kryo;
    }
    return kryos.obtain();
  }

  /** Returns a Kryo instance from {@link #borrowKryo()}. */
  public void release(Kryo kryo) {
    Local l = local.get();
    if (kryo == l.kryo && l.kryoLent) {
      l.kryoLent = false;
    } else {
      kryos.free(kryo);
    }
  }

  /** @return an empty, growable Output; give it back with {@link #release(Output)} */
  public Output borrowOutput() {
    Local l = local.get();
    if (!l.outputLent) {
      if (l.output == null) {
        l.output = new Output(INITIAL_BUFFER, -1);
      }
      l.outputLent = true;
      return l.output;
    }
    return outputs.obtain();
  }

  /** Returns an Output from {@link #borrowOutput()}; the caller must not use it afterwards. */
  public void release(Output output) {
    Local l = local.get();
    if (output == l.output && l.outputLent) {
      if (output.getBuffer().length > MAX_RETAINED_BUFFER) {
        output.setBuffer(new byte[INITIAL_BUFFER], -1);
      } else {
        output.reset();
      }
      l.outputLent = false;
    } else {
      outputs.free(output);
    }
  }

  /** @return an Input; set its buffer, then give it back with {@link #release(Input)} */
  public Input borrowInput() {
    Local l = local.get();
    if (!l.inputLent) {
      if (l.input == null) {
        l.input = new Input();
      }
      l.inputLent = true;
      return l.input;
    }
    return inputs.obtain();
  }

  /** Returns an Input from {@link #borrowInput()}. */
  public void release(Input input) {
    Local l = local.get();
    if (input == l.input && l.inputLent) {
      input.setBuffer(EMPTY);
      l.inputLent = false;
    } else {
      inputs.free(input);
    }
  }
}
