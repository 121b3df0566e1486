/* briefing review (issue 17 §1): filter by the address's #all / #failures / #warnings, keep the
   reviewer's ticks in this browser (localStorage, one entry per project), export them for
   `briefing check --reviewed FILE`. Builds no markup from text: textContent and attributes only. */
(function () {
  "use strict";
  var FILTERS = ["all", "failures", "warnings"];
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var claims = Array.prototype.slice.call(document.querySelectorAll("article.claim"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("main > section.section"));
  var exportBox = document.getElementById("export-text");
  var store = null;
  try { store = window.localStorage; } catch (error) { store = null; }

  // Ticks: claim id -> the fingerprint it had when ticked (a changed claim's tick no longer holds).
  function loadTicks() {
    if (!store) { return {}; }
    try {
      var ticks = JSON.parse(store.getItem(data.key) || "{}");
      return ticks && typeof ticks === "object" ? ticks : {};
    } catch (error) { return {}; }
  }
  var ticks = loadTicks();

  function saveTicks() {
    if (!store) { return; }
    try { store.setItem(data.key, JSON.stringify(ticks)); } catch (error) { /* private mode: kept until closed */ }
  }

  function showTick(claim) {
    var id = claim.getAttribute("data-claim");
    var box = claim.querySelector("input.tick-box");
    var ticked = Object.prototype.hasOwnProperty.call(ticks, id) ? ticks[id] : null;
    var state = ticked === null ? "" : (ticked === claim.getAttribute("data-fingerprint") ? "ticked" : "changed");
    box.checked = state === "ticked";
    box.defaultChecked = state === "ticked";
    claim.setAttribute("data-review", state);
    claim.querySelector(".review-note").textContent = state === "changed" ? "changed since you ticked it" : "";
  }

  function exportText() {
    var lines = [];
    claims.forEach(function (claim) {
      if (claim.getAttribute("data-review") === "ticked") {
        lines.push("    " + JSON.stringify({id: claim.getAttribute("data-claim"),
                                             sha256: claim.getAttribute("data-fingerprint")}));
      }
    });
    return "{\n  \"briefing_review\": 1,\n  \"claims_sha256\": " + JSON.stringify(data.claims_sha256) +
      ",\n  \"exported\": " + JSON.stringify(new Date().toISOString()) +
      ",\n  \"reviewed\": [" + (lines.length ? "\n" + lines.join(",\n") + "\n  " : "") + "]\n}\n";
  }

  function refresh() {
    var count = claims.filter(function (c) { return c.getAttribute("data-review") === "ticked"; }).length;
    document.getElementById("tick-count").textContent = count + " of " + claims.length + " claims ticked";
    exportBox.textContent = exportText();
  }

  function applyFilter() {
    var wanted = (window.location.hash || "").slice(1);
    if (FILTERS.indexOf(wanted) < 0) {
      if (document.body.getAttribute("data-filter")) { return; }  // an anchor to a claim: keep the filter
      wanted = "all";
    }
    document.body.setAttribute("data-filter", wanted);
    claims.forEach(function (claim) {
      var shown = wanted === "all" ||
        (wanted === "failures" && claim.getAttribute("data-ok") === "no") ||
        (wanted === "warnings" && claim.getAttribute("data-flagged") === "yes");
      claim.hidden = !shown;
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("article.claim:not([hidden])") && !section.classList.contains("other");
    });
    Array.prototype.forEach.call(document.querySelectorAll(".filters a"), function (link) {
      link.setAttribute("aria-current", link.getAttribute("data-filter") === wanted ? "true" : "false");
    });
  }

  claims.forEach(function (claim) {
    showTick(claim);
    claim.querySelector("input.tick-box").addEventListener("change", function (event) {
      var id = claim.getAttribute("data-claim");
      if (event.target.checked) { ticks[id] = claim.getAttribute("data-fingerprint"); } else { delete ticks[id]; }
      saveTicks();
      showTick(claim);
      refresh();
    });
  });

  document.getElementById("export").addEventListener("click", function () {
    var blob = new Blob([exportText()], {type: "application/json"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "reviewed.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  });

  document.body.setAttribute("data-filter", "");
  applyFilter();
  window.addEventListener("hashchange", applyFilter);
  refresh();
}());
