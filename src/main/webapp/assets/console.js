// Quipu console: the theme switch and the self-refreshing rate charts. Everything else is plain
// server-rendered HTML that works without this file.
(function () {
  "use strict";

  // ---- theme: auto (follow the system) -> dark -> light -> auto ----
  var order = ["auto", "dark", "light"];
  document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var root = document.documentElement;
      var next = order[(order.indexOf(root.getAttribute("data-theme") || "auto") + 1) % order.length];
      root.setAttribute("data-theme", next);
      button.querySelectorAll("[data-theme-name]").forEach(function (name) {
        name.textContent = next === "auto" ? "system" : next;
      });
      document.cookie = "quipu_theme=" + next + "; path=/; max-age=31536000; SameSite=Strict";
      document.querySelectorAll(".chart").forEach(function (el) { if (el._redraw) el._redraw(); });
    });
  });

  // ---- rate charts: any element with data-rates-url ----
  function color(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
  }

  function startChart(el) {
    var url = el.getAttribute("data-rates-url");
    var now = el.parentElement.querySelector("[data-rates-now]");
    var chart = null;
    var data = [[], [], [], []];

    function options() {
      return {
        width: Math.max(280, el.clientWidth - 16),
        height: 220,
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
        axes: [
          { stroke: color("--muted"), grid: { stroke: color("--border") } },
          { stroke: color("--muted"), grid: { stroke: color("--border") }, label: "msgs/s" }
        ],
        series: [
          {},
          { label: "published", stroke: color("--chart-in"), width: 2 },
          { label: "delivered", stroke: color("--chart-out"), width: 2 },
          { label: "acked", stroke: color("--chart-acked"), width: 2 }
        ]
      };
    }

    function draw() {
      if (chart) chart.destroy();
      el.innerHTML = "";
      chart = new uPlot(options(), data, el);
    }
    el._redraw = draw;

    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (s) {
          data = [s.t, s["in"], s.out, s.acked];
          if (chart) chart.setData(data); else draw();
          if (now) {
            var last = s.t.length - 1;
            now.textContent = last < 0
              ? "Waiting for the first samples…"
              : "Now: " + s["in"][last] + " published, " + s.out[last] + " delivered, "
                + s.acked[last] + " acked per second.";
          }
          el.removeAttribute("data-error");
        })
        .catch(function (e) { el.setAttribute("data-error", String(e)); });
    }

    refresh();
    setInterval(refresh, 5000);
    var pending;
    window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(draw, 200); });
  }

  // ---- live regions: elements with data-live and an id are refreshed from the same page ----
  // Every 5 s (while the tab is visible) the page is fetched again and each region takes the
  // content of its namesake; what the user is typing or reading elsewhere stays untouched. A
  // region that holds the keyboard focus waits: replacing it would drop the focus to the page's
  // start, so a keyboard user would lose their place.
  function startLive() {
    var regions = document.querySelectorAll("[data-live][id]");
    if (!regions.length) return;
    setInterval(function () {
      if (document.hidden) return;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          regions.forEach(function (el) {
            var next = fresh.getElementById(el.id);
            if (!next || next.innerHTML === el.innerHTML) return;
            if (el.contains(document.activeElement) && document.activeElement !== document.body) return;
            el.innerHTML = next.innerHTML;
          });
        })
        .catch(function () { /* the next round tries again */ });
    }, 5000);
  }

  function init() {
    startLive();
    if (typeof uPlot === "undefined") return;
    document.querySelectorAll("[data-rates-url]").forEach(startChart);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
