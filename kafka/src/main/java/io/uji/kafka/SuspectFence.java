package io.uji.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the acting member does to a suspect (design 10): removes it from the consumer group by its
 * static id ({@code group.instance.id} = instance id, KIP-345), so that the group rebalances now
 * rather than after the session timeout, and fences its transactional id ({@link
 * TransactionFencer}), so that its open transaction is aborted now. A live suspect (a long pause)
 * loses a rebalance and a restore, never correctness: its offsets carry a stale generation and its
 * producer's epoch is stale, so nothing it computed can commit; it resets and joins again.
 */
final class SuspectFence implements FailureDetector.Fence {
  private static final Logger LOG = LoggerFactory.getLogger(SuspectFence.class);

  private final Admin admin;
  private final String applicationId;
  private final TransactionFencer fencer;
  private final Duration timeout;

  SuspectFence(Admin admin, String applicationId, TransactionFencer fencer, Duration timeout) {
    this.admin = admin;
    this.applicationId = applicationId;
    this.fencer = fencer;
    this.timeout = timeout;
  }

  @Override
  public void fence(Liveness.Suspect suspect) {
    String id = suspect.instanceId();
    String removed;
    try {
      admin.removeMembersFromConsumerGroup(applicationId,
          new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove(id))))
          .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      removed = "removed from group " + applicationId;
    } catch (ExecutionException e) {
      // UNKNOWN_MEMBER_ID: the session timeout (or another detector) removed it already
      removed = e.getCause() instanceof UnknownMemberIdException ? "no longer in group " + applicationId
          : "not removed from group " + applicationId + " (" + e.getCause() + "; its session timeout will)";
    } catch (java.util.concurrent.TimeoutException e) {
      removed = "not removed from group " + applicationId + " (no answer within " + timeout + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    String transactionalId = GroupMember.transactionalId(applicationId, id);
    String fenced;
    try {
      fencer.fence(transactionalId);
      fenced = "its transactions fenced (" + transactionalId + ")";
    } catch (RuntimeException e) {
      fenced = "its transactions not fenced (" + e + "; they abort at their timeout)";
    }
    LOG.warn("Instance {} sent no liveness beacon for {} ms (incarnation {}, plan epoch {}): {}, {}", id,
        TimeUnit.NANOSECONDS.toMillis(suspect.silentNanos()), Long.toHexString(suspect.last().incarnation()),
        suspect.last().planEpoch(), removed, fenced);
  }
}
