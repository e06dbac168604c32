package io.uji.engine.runtime;

import io.uji.engine.graph.InputNode;
import io.uji.engine.graph.StatefulNode;
import io.uji.engine.graph.StreamGraph;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.InputView;
import io.uji.engine.hooks.StateView;
import io.uji.state.StateStore;
import io.uji.state.StateStoreClosedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link ContextView} of one context: reads the program's inputs and stateful operators and,
 * once started, the runtime's state store. Holds no figures of its own.
 */
public final class RuntimeContextView implements ContextView {
  private final String name;
  private final StreamGraph graph;
  private final Supplier<Path> checkpointDirectory;
  private final Supplier<String> state;
  private final Supplier<ContextRuntime> runtime;

  /**
   * @param checkpointDirectory the context's checkpoint directory (null if none)
   * @param state the context's life-cycle state
   * @param runtime the running parts, null before start
   */
  public RuntimeContextView(String name, StreamGraph graph, Supplier<Path> checkpointDirectory,
      Supplier<String> state, Supplier<ContextRuntime> runtime) {
    this.name = name;
    this.graph = graph;
    this.checkpointDirectory = checkpointDirectory;
    this.state = state;
    this.runtime = runtime;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long batchIntervalMs() {
    return graph.batchInterval().milliseconds();
  }

  @Override
  public Path checkpointDirectory() {
    return checkpointDirectory.get();
  }

  @Override
  public String state() {
    return state.get();
  }

  @Override
  public List<InputView> inputs() {
    List<InputNode<?, ?, ?>> inputs = graph.inputs();
    List<InputView> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      InputNode<?, ?, ?> in = inputs.get(i);
      out.add(new InputView(i, in.name(), in.kind(), in.identity(), in.receiverCounters(), in.lag()));
    }
    return out;
  }

  @Override
  public List<StateView> states() {
    List<StateView> out = new ArrayList<>();
    for (StatefulNode s : graph.statefulNodes()) {
      out.add(s.view());
    }
    return out;
  }

  @Override
  public long stateNativeMemoryBytes() {
    ContextRuntime r = runtime.get();
    StateStore store = r == null ? null : r.stateStore();
    if (store == null) {
      return 0;
    }
    try {
      return store.nativeMemoryUsage();
    } catch (StateStoreClosedException e) {
      return 0; // stopped meanwhile
    }
  }
}
