/**
 * The internal seam between the engine and a cluster membership implementation (the Kafka
 * module's consumer-group member, docs/design/scale-out.md): no Kafka type appears here.
 *
 * <ul>
 *   <li>{@link io.uji.engine.cluster.ClusterMember}: implemented by the membership side; the
 *       engine starts it, hands it each batch's commit ({@link io.uji.engine.cluster.BatchCommit})
 *       and stops it.
 *   <li>{@link io.uji.engine.cluster.GroupControl}: implemented by the engine; the membership side
 *       tells it which key groups start, stop and are lost, at batch boundaries.
 *   <li>{@link io.uji.engine.cluster.GroupStateAccess}: the keyed state of a group, as raw bytes,
 *       for restoring from a changelog.
 *   <li>{@link io.uji.engine.cluster.KeyedSourceSpec}: the keyed input whose partition number is
 *       the key group of every stateful operator fed by it.
 * </ul>
 *
 * <p>Everything here is internal and may change in any release. The architecture tests forbid
 * {@code org.apache.kafka} here.
 */
package io.uji.engine.cluster;
