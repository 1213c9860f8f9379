/* Backlog: filter and sort the table in place. Without JavaScript it is a plain table. */
(function () {
  "use strict";
  var table = document.getElementById("backlog");
  var form = document.getElementById("backlog-filters");
  if (!table || !form) return;
  form.hidden = false;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var count = document.getElementById("backlog-count");

  function apply() {
    var f = {};
    ["kind", "severity", "status", "owner", "journey"].forEach(function (n) { f[n] = form.elements[n].value; });
    var text = form.elements.text.value.toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!f.kind || r.dataset.kind === f.kind) &&
        (!f.severity || r.dataset.severity === f.severity) &&
        (!f.status || r.dataset.status === f.status) &&
        (!f.owner || r.dataset.owner === f.owner) &&
        (!f.journey || r.dataset.journey === f.journey) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });

  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var key = th.getAttribute("data-sort");
    if (!key) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      heads.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var value = function (r) {
        if (key === "level") return r.dataset.level.padStart(3, "0");
        return r.cells[col].textContent.trim().toLowerCase();
      };
      rows.sort(function (a, b) { var x = value(a), y = value(b); return x < y ? -dir : x > y ? dir : 0; });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
})();
