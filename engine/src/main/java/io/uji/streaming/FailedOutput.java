package io.uji.streaming;

import java.util.Optional;

/**
 * An output operation that failed for one batch and was skipped by its {@link OutputErrorPolicy}:
 * what its failure handler (the dead letters) gets.
 *
 * @param batchTime the batch
 * @param outputId the output operation's index in registration order
 * @param outputName the output operation and where the program registered it, e.g. {@code
 *     "foreachBatch at com.acme.Job.main(Job.java:42)"}
 * @param attempts how many times it ran for this batch (1 + the retries)
 * @param error the failure of the last attempt
 * @param data the batch's dataset the output operation got, or empty if computing the dataset
 *     failed
 * @param <T> the element type
 */
public record FailedOutput<T>(Time batchTime, int outputId, String outputName, int attempts, Throwable error,
    Optional<Dataset<T>> data) {}
