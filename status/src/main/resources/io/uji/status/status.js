// Uji status page: refreshes the live part every 2 s and runs the SQL box. No library.
(function () {
  "use strict";
  var live = document.getElementById("live");

  function refresh() {
    fetch("/live", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { live.innerHTML = html; document.body.dataset.refreshed = String(Date.now()); })
      .catch(function () { /* the context stopped or the network hiccuped: try again later */ })
      .finally(function () { setTimeout(refresh, 2000); });
  }
  setTimeout(refresh, 2000);

  function cell(tag, text) {
    var c = document.createElement(tag);
    c.textContent = text === null ? "NULL" : String(text);
    return c;
  }

  function show(result) {
    var out = document.getElementById("sql-output");
    out.textContent = "";
    if (result.error) {
      var p = cell("p", result.reason + ": " + result.error);
      p.id = "sql-error";
      out.appendChild(p);
      return;
    }
    var table = document.createElement("table");
    table.id = "sql-result";
    table.className = "grid";
    var head = document.createElement("tr");
    result.columns.forEach(function (c) { head.appendChild(cell("th", c)); });
    var thead = document.createElement("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = document.createElement("tbody");
    result.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (v) { tr.appendChild(cell("td", v)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    out.appendChild(table);
    var note = cell("p", result.rows.length + (result.truncated ? " rows shown; more were cut off by the row limit" : " rows"));
    note.id = "sql-count";
    note.className = "hint";
    out.appendChild(note);
  }

  document.getElementById("sql-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = document.getElementById("sql-query").value;
    fetch("/api/sql", { method: "POST", headers: { "Content-Type": "text/plain; charset=utf-8" }, body: q })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function (err) { show({ error: String(err), reason: "UNAVAILABLE" }); });
  });
})();
