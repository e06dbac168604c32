package io.uji.status;

import io.uji.engine.hooks.BatchReport;
import io.uji.engine.hooks.CheckpointReport;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.InputView;
import io.uji.engine.hooks.RecoveryReport;
import io.uji.engine.hooks.StateView;
import io.uji.streaming.BatchInfo;
import io.uji.streaming.SqlResult;
import java.util.List;
import java.util.Map;

/** The JSON endpoints: the same figures as the page. */
final class JsonRenderer {
  private final ContextView view;
  private final StatusModel model;

  JsonRenderer(ContextView view, StatusModel model) {
    this.view = view;
    this.model = model;
  }

  /** {@code /api/status}: the context and the counts. */
  String status() {
    JsonWriter w = new JsonWriter().beginObject();
    w.field("context", view.name()).field("state", view.state()).field("batchIntervalMs", view.batchIntervalMs())
        .field("startedAtMs", model.startedAtMs()).field("completedBatches", model.completedBatches())
        .field("failedBatches", model.failedBatches())
        .field("checkpointDirectory", view.checkpointDirectory() == null ? null : view.checkpointDirectory().toString())
        .field("stateNativeMemoryBytes", view.stateNativeMemoryBytes());
    return w.endObject().toString();
  }

  /** {@code /api/batches}: every batch the page remembers, oldest first. */
  String batches() {
    JsonWriter w = new JsonWriter().beginArray();
    for (BatchReport r : model.batches()) {
      BatchInfo b = r.info();
      w.beginObject().field("seq", r.seq()).field("batchTimeMs", b.batchTime().milliseconds())
          .field("numRecords", b.numRecords()).field("submissionTime", b.submissionTime())
          .field("processingStartTime", b.processingStartTime()).field("processingEndTime", b.processingEndTime())
          .field("schedulingDelayMs", b.schedulingDelay()).field("processingDelayMs", b.processingDelay())
          .field("totalDelayMs", b.totalDelay()).field("replayed", r.replayed())
          .field("failureReason", b.failureReason().orElse(null));
      w.name("inputRecords").beginArray();
      for (Long n : r.inputRecords()) {
        w.value((long) n);
      }
      w.endArray().endObject();
    }
    return w.endArray().toString();
  }

  /** {@code /api/inputs}. */
  String inputs() {
    JsonWriter w = new JsonWriter().beginArray();
    for (InputView in : view.inputs()) {
      w.beginObject().field("index", in.index()).field("name", in.name()).field("kind", in.kind())
          .field("identity", in.identity());
      if (in.receiver() != null) {
        w.name("receiver").beginObject().field("storedRecords", in.receiver().storedRecords())
            .field("storedBlocks", in.receiver().storedBlocks()).field("blockedCount", in.receiver().blockedCount())
            .field("blockedNanos", in.receiver().blockedNanos()).endObject();
      }
      w.name("lag").beginObject();
      for (Map.Entry<String, Long> e : in.lag().entrySet()) {
        w.field(e.getKey(), e.getValue());
      }
      w.endObject().endObject();
    }
    return w.endArray().toString();
  }

  /** {@code /api/state}. */
  String state() {
    JsonWriter w = new JsonWriter().beginArray();
    for (StateView s : view.states()) {
      w.beginObject().field("operator", s.id()).field("kind", s.kind()).field("partitions", s.partitions())
          .field("keyType", s.keyType()).field("stateType", s.stateType()).field("keys", s.approximateKeys())
          .field("cacheHits", s.cacheHits()).field("cacheMisses", s.cacheMisses()).field("sstBytes", s.sstBytes())
          .field("nativeMemoryBytes", s.nativeMemoryBytes()).endObject();
    }
    return w.endArray().toString();
  }

  /** {@code /api/checkpoints}: the checkpoints and the last recovery. */
  String checkpoints() {
    JsonWriter w = new JsonWriter().beginObject().name("checkpoints").beginArray();
    for (CheckpointReport c : model.checkpoints()) {
      w.beginObject().field("batchTimeMs", c.batchTimeMs()).field("durationMs", c.durationMs())
          .field("batchThreadMs", c.batchThreadMs()).field("bytes", c.bytes()).field("completedAtMs", c.completedAtMs())
          .endObject();
    }
    w.endArray().name("recovery");
    RecoveryReport r = model.recovery();
    if (r == null) {
      w.value((String) null);
    } else {
      w.beginObject().field("checkpointBatchTimeMs", r.checkpointBatchTimeMs())
          .field("batchesReplayed", r.batchesReplayed()).field("durationMs", r.durationMs())
          .field("completedAtMs", r.completedAtMs()).endObject();
    }
    return w.endObject().toString();
  }

  /** {@code /api/errors}: newest last. */
  String errors() {
    JsonWriter w = new JsonWriter().beginArray();
    for (StatusModel.ErrorEntry e : model.errors()) {
      w.beginObject().field("atMs", e.atMs()).field("where", e.where()).field("message", e.message()).endObject();
    }
    return w.endArray().toString();
  }

  /** {@code /api/sql}: a query's rows, or its error. */
  static String sqlResult(SqlResult r) {
    JsonWriter w = new JsonWriter().beginObject().name("columns").beginArray();
    for (String c : r.columns()) {
      w.value(c);
    }
    w.endArray().name("rows").beginArray();
    for (List<Object> row : r.rows()) {
      w.beginArray();
      for (Object v : row) {
        w.value(v);
      }
      w.endArray();
    }
    return w.endArray().field("truncated", r.truncated()).endObject().toString();
  }

  static String sqlError(String reason, String message) {
    return new JsonWriter().beginObject().field("error", message).field("reason", reason).endObject().toString();
  }
}
