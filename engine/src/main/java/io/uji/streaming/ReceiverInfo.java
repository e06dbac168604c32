package io.uji.streaming;

/**
 * What a listener learns about a receiver.
 *
 * @param streamId the id of the receiver's input stream
 * @param name the receiver's name ({@link Receiver#name()})
 * @param active whether it is running
 * @param lastErrorMessage the message of the last reported error, empty if none
 * @param lastError the last reported error, null if none or if the receiver gave only a message
 */
public record ReceiverInfo(int streamId, String name, boolean active, String lastErrorMessage, Throwable lastError) {}
