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
    return kryos.obtain();
  }

  /** Returns a Kryo instance from {@link #borrowKryo()}. */
  public void release(Kryo kryo) {
    kryos.free(kryo);
  }

  /** @return an empty, growable Output; give it back with {@link #release(Output)} */
  public Output borrowOutput() {
    return outputs.obtain();
  }

  /** Returns an Output from {@link #borrowOutput()}; the caller must not use it afterwards. */
  public void release(Output output) {
    outputs.free(output);
  }

  /** @return an Input; set its buffer, then give it back with {@link #release(Input)} */
  public Input borrowInput() {
    return inputs.obtain();
  }

  /** Returns an Input from {@link #borrowInput()}. */
  public void release(Input input) {
    inputs.free(input);
  }
}
