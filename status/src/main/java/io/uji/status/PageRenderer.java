package io.uji.status;

import io.uji.engine.hooks.BatchReport;
import io.uji.engine.hooks.CheckpointReport;
import io.uji.engine.hooks.ContextView;
import io.uji.engine.hooks.InputView;
import io.uji.engine.hooks.RecoveryReport;
import io.uji.engine.hooks.StateView;
import io.uji.streaming.BatchInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders the page: the shell (once) and the live part (every refresh), server-side, from the
 * model and the context's view.
 */
final class PageRenderer {
  private static final int RECENT_BATCHES = 20;
  private static final int RECENT_CHECKPOINTS = 10;

  private final ContextView view;
  private final StatusModel model;

  PageRenderer(ContextView view, StatusModel model) {
    this.view = view;
    this.model = model;
  }

  /** @return the whole page: the live part, the SQL box and the script that refreshes the live part */
  String page() {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>Uji · " + Html.escape(view.name()) + "</title>"
        + "<link rel=\"stylesheet\" href=\"/static/status.css\"></head><body>"
        + "<header><h1>Uji streaming · <span id=\"context-name\">" + Html.escape(view.name()) + "</span></h1>"
        + "<span id=\"refresh-note\">refreshes every 2 s</span></header>"
        + "<main><div id=\"live\">" + live() + "</div>"
        + "<section id=\"sql\"><h2>SQL</h2><p class=\"hint\">One read-only SELECT over the registered batches"
        + " and the stateful operators' state (a table per operator, named after it).</p>"
        + "<form id=\"sql-form\"><textarea id=\"sql-query\" name=\"q\" rows=\"4\" spellcheck=\"false\">"
        + Html.escape(defaultQuery()) + "</textarea><button id=\"sql-run\" type=\"submit\">Run</button></form>"
        + "<div id=\"sql-output\"></div></section></main>"
        + "<script src=\"/static/status.js\"></script></body></html>";
  }

  private String defaultQuery() {
    List<StateView> states = view.states();
    return states.isEmpty() ? "select 42 as answer"
        : "select * from \"" + states.get(0).id().replace("\"", "\"\"") + "\" limit 20";
  }

  /** @return the part that refreshes */
  String live() {
    List<BatchReport> batches = model.batches();
    StringBuilder s = new StringBuilder(16_384);
    summary(s, batches);
    timelines(s, batches);
    inputs(s, batches);
    states(s);
    checkpoints(s);
    recovery(s);
    errors(s);
    recentBatches(s, batches);
    return s.toString();
  }

  private void summary(StringBuilder s, List<BatchReport> batches) {
    s.append("<section id=\"summary\"><dl>");
    item(s, "state", "State", view.state());
    item(s, "interval", "Batch interval", Html.millis(view.batchIntervalMs()));
    item(s, "started", "Running since", Instant.ofEpochMilli(model.startedAtMs()).toString());
    item(s, "completed", "Completed batches", Long.toString(model.completedBatches()));
    item(s, "failed", "Failed batches", Long.toString(model.failedBatches()));
    item(s, "checkpoint-dir", "Checkpoint directory",
        view.checkpointDirectory() == null ? "none" : view.checkpointDirectory().toString());
    s.append("</dl></section>");
  }

  private static void item(StringBuilder s, String id, String label, String value) {
    s.append("<div><dt>").append(label).append("</dt><dd id=\"").append(id).append("\">").append(Html.escape(value))
        .append("</dd></div>");
  }

  private void timelines(StringBuilder s, List<BatchReport> batches) {
    List<BatchReport> done = new ArrayList<>();
    for (BatchReport b : batches) {
      if (b.info().failureReason().isEmpty()) {
        done.add(b);
      }
    }
    double seconds = view.batchIntervalMs() / 1000.0;
    s.append("<section id=\"batches\"><h2>Batches <span class=\"sub\">(last ").append(done.size())
        .append(" completed)</span></h2><table class=\"charts\">");
    chartRow(s, "input-rate", "Input rate", "records/s", done, b -> b.info().numRecords() / seconds);
    chartRow(s, "scheduling-delay", "Scheduling delay", "ms", done, b -> b.info().schedulingDelay());
    chartRow(s, "processing-time", "Processing time", "ms", done, b -> b.info().processingDelay());
    chartRow(s, "total-delay", "Total delay", "ms", done, b -> b.info().totalDelay());
    s.append("</table></section>");
  }

  private static void chartRow(StringBuilder s, String metric, String label, String unit, List<BatchReport> batches,
      ToDoubleFunction<BatchReport> value) {
    List<Charts.Point> points = new ArrayList<>(batches.size());
    double sum = 0;
    double max = 0;
    for (BatchReport b : batches) {
      double v = value.applyAsDouble(b);
      points.add(new Charts.Point(b.info().batchTime().milliseconds(), v));
      sum += v;
      max = Math.max(max, v);
    }
    String avg = points.isEmpty() ? "–" : Charts.fmt(sum / points.size());
    s.append("<tr id=\"row-").append(metric).append("\"><th><div class=\"metric\">").append(label)
        .append("</div><div class=\"stat\">avg <span class=\"avg\">").append(avg).append("</span> ").append(unit)
        .append("</div><div class=\"stat\">max <span class=\"max\">").append(points.isEmpty() ? "–" : Charts.fmt(max))
        .append("</span> ").append(unit).append("</div></th><td>").append(Charts.timeline(metric, unit, points))
        .append("</td><td>").append(Charts.histogram(metric, unit, points)).append("</td></tr>");
  }

  private void inputs(StringBuilder s, List<BatchReport> batches) {
    List<InputView> inputs = view.inputs();
    s.append("<section id=\"inputs\"><h2>Inputs</h2><table class=\"grid\"><thead><tr><th>Input</th><th>Kind</th>"
        + "<th>Reads</th><th>Records (shown batches)</th><th>Avg rate</th><th>Stored by receiver</th>"
        + "<th>Blocked (backpressure)</th><th>Lag</th></tr></thead><tbody>");
    double seconds = Math.max(1, batches.size()) * view.batchIntervalMs() / 1000.0;
    for (InputView in : inputs) {
      long records = 0;
      for (BatchReport b : batches) {
        if (in.index() < b.inputRecords().size()) {
          records += b.inputRecords().get(in.index());
        }
      }
      s.append("<tr class=\"input\"><td>").append(Html.escape(in.name())).append("</td><td>").append(in.kind())
          .append("</td><td>").append(Html.escape(in.identity())).append("</td><td class=\"num records\">")
          .append(records).append("</td><td class=\"num\">").append(Charts.fmt(records / seconds))
          .append(" /s</td><td class=\"num\">").append(in.receiver() == null ? "–" : in.receiver().storedRecords())
          .append("</td><td class=\"num\">")
          .append(in.receiver() == null ? "–" : Html.millis(in.receiver().blockedNanos() / 1e6))
          .append("</td><td class=\"num lag\">").append(lag(in.lag())).append("</td></tr>");
    }
    s.append("</tbody></table></section>");
  }

  private static String lag(Map<String, Long> lag) {
    if (lag.isEmpty()) {
      return "–";
    }
    long total = 0;
    StringBuilder parts = new StringBuilder();
    for (Map.Entry<String, Long> e : lag.entrySet()) {
      total += e.getValue();
      parts.append(Html.escape(e.getKey())).append(": ").append(e.getValue()).append('\n');
    }
    return "<span title=\"" + parts.toString().strip() + "\">" + total + "</span>";
  }

  private void states(StringBuilder s) {
    List<StateView> states = view.states();
    s.append("<section id=\"state\"><h2>Keyed state <span class=\"sub\">(RocksDB native memory: ")
        .append(Html.bytes(view.stateNativeMemoryBytes())).append(")</span></h2>")
        .append("<table class=\"grid\"><thead><tr><th>Operator</th><th>Kind</th><th>Partitions</th><th>Key</th>"
            + "<th>State</th><th>Keys</th><th>Cache hit rate</th><th>SST on disk</th><th>Memtables + readers</th>"
            + "</tr></thead><tbody>");
    for (StateView st : states) {
      long lookups = st.cacheHits() + st.cacheMisses();
      s.append("<tr class=\"operator\" data-operator=\"").append(Html.escape(st.id())).append("\"><td>")
          .append(Html.escape(st.id())).append("</td><td>").append(st.kind()).append("</td><td class=\"num\">")
          .append(st.partitions()).append("</td><td>").append(Html.escape(shortName(st.keyType())))
          .append("</td><td>").append(Html.escape(shortName(st.stateType()))).append("</td><td class=\"num keys\">")
          .append(st.approximateKeys() < 0 ? "–" : Long.toString(st.approximateKeys()))
          .append("</td><td class=\"num\">")
          .append(lookups == 0 ? "–" : Charts.fmt(100.0 * st.cacheHits() / lookups) + " %")
          .append("</td><td class=\"num\">").append(Html.bytes(st.sstBytes())).append("</td><td class=\"num\">")
          .append(Html.bytes(st.nativeMemoryBytes())).append("</td></tr>");
    }
    if (states.isEmpty()) {
      s.append("<tr><td colspan=\"9\">No stateful operator.</td></tr>");
    }
    s.append("</tbody></table></section>");
  }

  private static String shortName(String className) {
    if (className == null) {
      return "–";
    }
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }

  private void checkpoints(StringBuilder s) {
    List<CheckpointReport> cps = model.checkpoints();
    s.append("<section id=\"checkpoints\"><h2>Checkpoints</h2>");
    if (cps.isEmpty()) {
      s.append("<p id=\"no-checkpoint\">").append(view.checkpointDirectory() == null
          ? "No checkpoint directory: nothing is checkpointed." : "None completed yet.").append("</p></section>");
      return;
    }
    CheckpointReport newest = cps.get(cps.size() - 1);
    s.append("<dl class=\"inline\">");
    item(s, "checkpoint-newest", "Newest", "batch " + newest.batchTimeMs() + " ms, "
        + Instant.ofEpochMilli(newest.completedAtMs()));
    item(s, "checkpoint-age", "Age", Html.millis(System.currentTimeMillis() - newest.completedAtMs()));
    item(s, "checkpoint-duration", "Duration", Html.millis(newest.durationMs()) + " (" + Html.millis(newest.batchThreadMs())
        + " on the batch thread)");
    item(s, "checkpoint-size", "Size", Html.bytes(newest.bytes()));
    item(s, "checkpoint-count", "Completed since start", Integer.toString(cps.size()));
    s.append("</dl><table class=\"grid\"><thead><tr><th>Batch time</th><th>Completed</th><th>Duration</th>"
        + "<th>Batch thread</th><th>Size</th></tr></thead><tbody>");
    for (int i = cps.size() - 1; i >= Math.max(0, cps.size() - RECENT_CHECKPOINTS); i--) {
      CheckpointReport c = cps.get(i);
      s.append("<tr class=\"checkpoint\"><td>").append(c.batchTimeMs()).append("</td><td>")
          .append(Instant.ofEpochMilli(c.completedAtMs())).append("</td><td class=\"num\">")
          .append(Html.millis(c.durationMs())).append("</td><td class=\"num\">").append(Html.millis(c.batchThreadMs()))
          .append("</td><td class=\"num\">").append(Html.bytes(c.bytes())).append("</td></tr>");
    }
    s.append("</tbody></table></section>");
  }

  private void recovery(StringBuilder s) {
    RecoveryReport r = model.recovery();
    s.append("<section id=\"recovery\"><h2>Last recovery</h2><p id=\"recovery-text\">");
    if (r == null) {
      s.append("None: this run started fresh.");
    } else {
      s.append(r.checkpointBatchTimeMs() < 0 ? "No usable checkpoint; replayed from the first batch"
              : "Restored the checkpoint of batch " + r.checkpointBatchTimeMs() + " ms")
          .append(", ").append(r.batchesReplayed()).append(" batches replayed, in ").append(Html.millis(r.durationMs()))
          .append(" (").append(Instant.ofEpochMilli(r.completedAtMs())).append(").");
    }
    s.append("</p></section>");
  }

  private void errors(StringBuilder s) {
    List<StatusModel.ErrorEntry> errors = model.errors();
    s.append("<section id=\"errors\"><h2>Recent errors</h2>");
    if (errors.isEmpty()) {
      s.append("<p id=\"no-errors\">None.</p></section>");
      return;
    }
    s.append("<table class=\"grid\"><thead><tr><th>When</th><th>Where</th><th>What</th></tr></thead><tbody>");
    for (int i = errors.size() - 1; i >= 0; i--) {
      StatusModel.ErrorEntry e = errors.get(i);
      s.append("<tr class=\"error\"><td>").append(Instant.ofEpochMilli(e.atMs())).append("</td><td>")
          .append(Html.escape(e.where())).append("</td><td><code>").append(Html.escape(e.message()))
          .append("</code></td></tr>");
    }
    s.append("</tbody></table></section>");
  }

  private void recentBatches(StringBuilder s, List<BatchReport> batches) {
    s.append("<section id=\"recent\"><h2>Recent batches</h2><table class=\"grid\"><thead><tr><th>#</th>"
        + "<th>Batch time</th><th>Records</th><th>Scheduling delay</th><th>Processing time</th><th>Total delay</th>"
        + "<th>Note</th></tr></thead><tbody>");
    for (int i = batches.size() - 1; i >= Math.max(0, batches.size() - RECENT_BATCHES); i--) {
      BatchReport r = batches.get(i);
      BatchInfo b = r.info();
      s.append("<tr class=\"batch\" data-time=\"").append(b.batchTime().milliseconds()).append("\"><td>")
          .append(r.seq()).append("</td><td>").append(b.batchTime().milliseconds()).append("</td><td class=\"num\">")
          .append(b.numRecords()).append("</td><td class=\"num\">").append(Html.millis(b.schedulingDelay()))
          .append("</td><td class=\"num\">").append(Html.millis(b.processingDelay())).append("</td><td class=\"num\">")
          .append(Html.millis(b.totalDelay())).append("</td><td>")
          .append(b.failureReason().map(f -> "<span class=\"failed\">failed: " + Html.escape(f) + "</span>")
              .orElse(r.replayed() ? "replayed" : ""))
          .append("</td></tr>");
    }
    s.append("</tbody></table></section>");
  }
}
