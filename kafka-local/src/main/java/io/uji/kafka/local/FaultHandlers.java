package io.uji.kafka.local;

import java.util.concurrent.atomic.AtomicReference;
import kafka.server.FaultHandlerFactory;
import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.FaultHandlerException;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.apache.kafka.server.fault.ProcessTerminatingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's fault handlers: non-fatal faults are logged (as in Kafka); fatal ones follow a
 * {@link FatalFaultPolicy}. Replaces Kafka's {@code StandardFaultHandlerFactory}, which always
 * halts the JVM.
 */
final class FaultHandlers implements FaultHandlerFactory {
  private static final Logger LOG = LoggerFactory.getLogger(FaultHandlers.class);

  private final FatalFaultPolicy policy;
  private final AtomicReference<FaultHandlerException> firstFatal = new AtomicReference<>();

  FaultHandlers(FatalFaultPolicy policy) {
    this.policy = policy;
  }

  @Override
  public FaultHandler build(String name, boolean fatal, Runnable action) {
    if (!fatal) {
      return new LoggingFaultHandler(name, action);
    }
    return switch (policy) {
      case HALT_JVM -> new ProcessTerminatingFaultHandler.Builder().setAction(action).build();
      case REPORT_ON_STOP -> (message, cause) -> recordFatal(name, message, cause, action);
    };
  }

  /** The first fatal fault reported since the last call, or null if there was none. */
  FaultHandlerException takeFatalFault() {
    return firstFatal.getAndSet(null);
  }

  private RuntimeException recordFatal(String name, String message, Throwable cause, Runnable action) {
    LOG.error("Fatal {} fault in the local Kafka broker (it stays up, broken; stop() will report it): {}",
        name, message, cause);
    FaultHandlerException fault = new FaultHandlerException(name + ": " + message, cause);
    firstFatal.compareAndSet(null, fault);
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("The action of the fatal {} fault failed", name, e);
    }
    return fault;
  }
}
