package io.uji.engine.receiver;

import java.util.List;

/** What a {@code Receiver} calls into: the engine side of a receiver (its supervisor). */
public interface ReceiverSink<T> {
  void storeOne(T record);

  void storeBlock(List<T> block);

  boolean isStopped();

  void restart(String message, Throwable error);

  void reportError(String message, Throwable error);

  void stopReceiver(String message, Throwable error);
}
