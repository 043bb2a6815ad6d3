// glueflow console: recolour a live run's graph from the JSON route, and refresh the node details when a node's
// state changes (and every few seconds while the run goes on, for the log tails). No framework, no build step.
(function () {
  "use strict";
  // Lists (pipelines, run history) with a run going on refresh themselves until no run is live.
  var listing = document.getElementById("listing");
  function refreshListing() {
    fetch(window.location.pathname, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("listing");
        if (fresh) { listing.replaceWith(fresh); listing = fresh; }
        if (listing.dataset.live === "true") window.setTimeout(refreshListing, 2000);
      })
      .catch(function () { window.setTimeout(refreshListing, 6000); });
  }
  if (listing && listing.dataset.live === "true") window.setTimeout(refreshListing, 2000);
})();

(function () {
  "use strict";
  var root = document.getElementById("run");
  if (!root || root.dataset.live !== "true") return;
  var every = parseInt(root.dataset.pollMs, 10) || 1000;
  var lastSignature = null;
  var ticks = 0;

  function setField(name, value) {
    document.querySelectorAll('[data-field="' + name + '"]').forEach(function (el) {
      el.textContent = String(value).replace(/_/g, " ");
      if (name === "status") el.className = "badge state-" + String(value || "none").toLowerCase();
    });
  }

  function paint(state) {
    Object.keys(state.nodes).forEach(function (id) {
      var value = state.nodes[id];
      document.querySelectorAll('[data-node-id="' + CSS.escape(id) + '"]').forEach(function (el) {
        el.dataset.state = value;
        var label = el.querySelector(".node-state");
        if (label) label.textContent = value.replace(/_/g, " ");
      });
    });
    // an edge is taken once both of its ends ran (or fired): the path the run went
    var active = function (id) { var s = state.nodes[id]; return !!s && s !== "NOT_RUN"; };
    document.querySelectorAll("g.edge[data-source]").forEach(function (edge) {
      edge.classList.toggle("taken", active(edge.dataset.source) && active(edge.dataset.target));
    });
    ["status", "duration", "succeeded", "failed", "total", "cost", "completed"].forEach(function (name) {
      if (name in state) setField(name, state[name]);
    });
  }

  function refreshDetails() {
    return fetch(window.location.pathname, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("details");
        var current = document.getElementById("details");
        if (!fresh || !current) return;
        // keep what the reader opened (an attempt's arguments) open across the refresh
        current.querySelectorAll("details[open][data-key]").forEach(function (opened) {
          var again = fresh.querySelector('details[data-key="' + CSS.escape(opened.dataset.key) + '"]');
          if (again) again.open = true;
        });
        current.replaceWith(fresh);
      });
  }

  function tick() {
    ticks += 1;
    fetch(root.dataset.pollUrl, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        paint(state);
        var signature = state.status + JSON.stringify(state.nodes);
        var changed = lastSignature !== null && signature !== lastSignature;
        lastSignature = signature;
        var done = !state.live;
        var work = changed || done || ticks % 5 === 0 ? refreshDetails() : Promise.resolve();
        return work.then(function () {
          if (done) {
            root.dataset.live = "false";
          } else {
            window.setTimeout(tick, every);
          }
        });
      })
      .catch(function () { window.setTimeout(tick, every * 3); });
  }

  window.setTimeout(tick, every);
})();
