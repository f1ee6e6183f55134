// reviewer: keyboard shortcuts, highlight navigation and the audited reveal. No libraries.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  // --- the item page: j/k move between findings, c confirm, d dismiss, a approve, r reject ---
  var cards = Array.prototype.slice.call(document.querySelectorAll(".finding[data-id]"));
  var current = -1;

  function select(i, scrollDoc) {
    if (!cards.length) return;
    current = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach(function (c, k) { c.classList.toggle("current", k === current); });
    var card = cards[current];
    card.scrollIntoView({ block: "nearest" });
    document.querySelectorAll("mark.flash-on").forEach(function (m) { m.classList.remove("flash-on"); });
    var marks = document.querySelectorAll('mark[data-findings~="' + card.dataset.id + '"]');
    marks.forEach(function (m) { m.classList.add("flash-on"); });
    if (scrollDoc && marks.length) marks[0].scrollIntoView({ block: "center" });
  }

  document.querySelectorAll("mark[data-findings]").forEach(function (m) {
    m.addEventListener("click", function () {
      var id = m.dataset.findings.split(" ")[0];
      var i = cards.findIndex(function (c) { return c.dataset.id === id; });
      if (i >= 0) select(i, false);
    });
  });

  function submitAction(card, action) {
    var btn = card && card.querySelector('button[value="' + action + '"]');
    if (btn && !btn.disabled) btn.click();
  }

  // --- the queue: j/k move between rows, Enter (or o) opens ---
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  var row = -1;
  function selectRow(i) {
    if (!rows.length) return;
    row = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, k) { r.classList.toggle("sel", k === row); });
    rows[row].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var k = e.key;
    if (cards.length || document.getElementById("item-actions")) {
      if (k === "j") { select(current + 1, true); e.preventDefault(); }
      else if (k === "k") { select(current - 1, true); e.preventDefault(); }
      else if (k === "c" && current >= 0) { submitAction(cards[current], "confirm"); e.preventDefault(); }
      else if (k === "d" && current >= 0) {
        var reason = cards[current].querySelector('input[name="comment"]');
        if (reason) { reason.focus(); e.preventDefault(); }
      }
      else if (k === "a") { var ap = document.getElementById("approve-button"); if (ap && !ap.disabled) { ap.click(); e.preventDefault(); } }
      else if (k === "r") { var rc = document.getElementById("reject-comment"); if (rc) { rc.focus(); e.preventDefault(); } }
      return;
    }
    if (rows.length) {
      if (k === "j") { selectRow(row + 1); e.preventDefault(); }
      else if (k === "k") { selectRow(row - 1); e.preventDefault(); }
      else if ((k === "Enter" || k === "o") && row >= 0) { window.location = rows[row].dataset.href; }
    }
  });

  // pressing Enter in a finding's reason box dismisses it (the d shortcut's second half)
  cards.forEach(function (card) {
    var reason = card.querySelector('input[name="comment"]');
    if (!reason) return;
    reason.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); submitAction(card, "dismiss"); }
      if (e.key === "Escape") { reason.blur(); }
    });
  });

  rows.forEach(function (r, i) {
    r.addEventListener("click", function (e) {
      if (e.target.closest("a, button, input, label")) return;
      window.location = r.dataset.href;
    });
  });

  // --- reveal one personal number: a POST the server writes to the audit log ---
  document.querySelectorAll("button.reveal").forEach(function (b) {
    b.addEventListener("click", function () {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", b.dataset.url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.onload = function () {
        if (xhr.status !== 200) { alert("无法显示：" + xhr.status); return; }
        var data = JSON.parse(xhr.responseText);
        var target = document.getElementById("ftext-" + b.dataset.id);
        if (target) target.textContent = data.text;
        document.querySelectorAll('mark[data-findings~="' + b.dataset.id + '"]').forEach(function (m, i) {
          if (i === 0) m.textContent = data.text; else m.textContent = "";
        });
        b.disabled = true; b.textContent = "已显示（已记录）";
      };
      xhr.send();
    });
  });

  // --- bulk selection: "select all" and a count on the bulk buttons ---
  var all = document.getElementById("select-all");
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="finding"][form="bulk"]'));
  function count() {
    var n = boxes.filter(function (x) { return x.checked; }).length;
    var c = document.getElementById("bulk-count");
    if (c) c.textContent = n;
    document.querySelectorAll("#bulk button").forEach(function (btn) { btn.disabled = n === 0; });
  }
  if (all) all.addEventListener("change", function () { boxes.forEach(function (x) { x.checked = all.checked; }); count(); });
  boxes.forEach(function (x) { x.addEventListener("change", count); });
  if (boxes.length) count();

  // confirmation with a count before a bulk action (the reason is required by the form)
  var bulk = document.getElementById("bulk");
  if (bulk) bulk.addEventListener("submit", function (e) {
    var n = boxes.filter(function (x) { return x.checked; }).length;
    var label = e.submitter && e.submitter.textContent;
    if (!window.confirm("将对 " + n + " 条问题执行「" + label + "」，确定吗？")) e.preventDefault();
  });

  // a sweep page reloads itself while the sweep runs
  var live = document.querySelector("[data-refresh]");
  if (live) setTimeout(function () { window.location.reload(); }, parseInt(live.dataset.refresh, 10) * 1000);
})();
