/* cjmc site script: header search (offline, over search-index.js). No network requests. */
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "";
  var input = document.getElementById("search-q");
  var box = document.getElementById("search-results");
  var loading = null;

  function loadIndex(done) {
    if (window.CJMC_SEARCH) { done(window.CJMC_SEARCH); return; }
    if (!loading) {
      loading = [];
      var s = document.createElement("script");
      s.src = root + "search-index.js";
      s.onload = function () { loading.forEach(function (f) { f(window.CJMC_SEARCH || []); }); };
      document.head.appendChild(s);
    }
    loading.push(done);
  }

  function norm(text) {
    return (text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function search(entries, query) {
    var words = norm(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var hits = [];
    entries.forEach(function (e) {
      var title = norm(e.t), all = title + " " + norm(e.x) + " " + norm(e.c);
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        if (all.indexOf(words[i]) < 0) return;
        score += title.indexOf(words[i]) >= 0 ? 2 : 1;
      }
      hits.push({ e: e, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || (a.e.t < b.e.t ? -1 : a.e.t > b.e.t ? 1 : 0); });
    return hits.map(function (h) { return h.e; });
  }

  function resultItem(e, tag) {
    var li = document.createElement(tag);
    var a = document.createElement("a");
    a.href = root + e.u;
    a.className = "search-hit";
    var kind = document.createElement("span");
    kind.className = "hit-kind";
    kind.textContent = e.k;
    var title = document.createElement("span");
    title.className = "hit-title";
    title.textContent = e.t;
    var ctx = document.createElement("span");
    ctx.className = "hit-context";
    ctx.textContent = e.c;
    a.appendChild(kind); a.appendChild(title); a.appendChild(ctx);
    li.appendChild(a);
    return li;
  }

  function show(query) {
    loadIndex(function (entries) {
      var hits = search(entries, query).slice(0, 12);
      box.textContent = "";
      if (!query.trim()) { box.hidden = true; return; }
      var list = document.createElement("ul");
      hits.forEach(function (e) { var li = resultItem(e, "li"); li.setAttribute("role", "option"); list.appendChild(li); });
      if (!hits.length) {
        var p = document.createElement("p"); p.className = "hit-none"; p.textContent = "No matches";
        box.appendChild(p);
      }
      box.appendChild(list);
      box.hidden = false;
    });
  }

  if (input && box) {
    input.addEventListener("focus", function () { loadIndex(function () {}); });
    input.addEventListener("input", function () { show(input.value); });
    input.addEventListener("keydown", function (ev) {
      var links = box.querySelectorAll("a");
      if (ev.key === "ArrowDown" && links.length) { ev.preventDefault(); links[0].focus(); }
      if (ev.key === "Escape") { box.hidden = true; }
    });
    box.addEventListener("keydown", function (ev) {
      var links = Array.prototype.slice.call(box.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (ev.key === "ArrowDown" && i < links.length - 1) { ev.preventDefault(); links[i + 1].focus(); }
      if (ev.key === "ArrowUp") { ev.preventDefault(); if (i > 0) links[i - 1].focus(); else input.focus(); }
      if (ev.key === "Escape") { box.hidden = true; input.focus(); }
    });
    document.addEventListener("click", function (ev) {
      if (!box.contains(ev.target) && ev.target !== input) box.hidden = true;
    });
  }

  // The search page: results for ?q=
  var pageList = document.getElementById("search-page-results");
  if (pageList) {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    var status = document.getElementById("search-page-status");
    if (input) input.value = q;
    loadIndex(function (entries) {
      var hits = search(entries, q);
      status.textContent = q ? hits.length + " result" + (hits.length === 1 ? "" : "s") + " for “" + q + "”" : "Type in the search box above.";
      hits.forEach(function (e) { pageList.appendChild(resultItem(e, "li")); });
    });
  }
})();
