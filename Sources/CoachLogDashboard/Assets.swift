/// The dashboard's stylesheet and script, served from the binary itself:
/// nothing is fetched from another site, so it works offline and on a
/// locked-down network.
enum Assets {
    /// Health colours are Okabe–Ito (blue good, orange fair, vermillion poor) and always come with a word.
    static let css = """
        :root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --good: #0072B2; --fair: #E69F00; --poor: #D55E00; --bg: #ffffff; --band: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: #0550ae; }
        a:focus, button:focus, input:focus, select:focus, main:focus { outline: 3px solid #0969da; outline-offset: 2px; }
        .skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 6px; z-index: 10; }
        header.top { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; padding: 10px 24px; background: var(--band); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; margin: 0; }
        nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
        nav a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 3px solid var(--ink); }
        form.asof, form.picker { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
        .help { color: var(--muted); font-size: 12px; }
        .viewer { margin: 0; color: var(--muted); font-size: 13px; width: 100%; }
        main { padding: 8px 24px 40px; max-width: 1400px; }
        h1 { margin: 12px 0 4px; font-size: 24px; } h2 { margin-top: 28px; font-size: 19px; } h3 { font-size: 16px; margin-bottom: 6px; }
        .lede { color: var(--muted); margin-top: 0; }
        dl.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 0; }
        dl.totals div { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
        dl.totals dt { color: var(--muted); font-size: 13px; } dl.totals dd { margin: 2px 0 0; font-size: 22px; font-weight: 600; }
        dl.totals dd small { display: block; font-size: 12px; font-weight: 400; color: var(--muted); }
        table { border-collapse: collapse; width: 100%; margin: 8px 0; }
        caption { text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 4px; }
        th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
        thead th { background: var(--band); font-size: 13px; position: sticky; top: 0; }
        th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: left; }
        th[aria-sort="ascending"] button::after { content: " ▲"; } th[aria-sort="descending"] button::after { content: " ▼"; }
        td small, li small { color: var(--muted); }
        .health-good, .health-fair, .health-poor { padding-left: 8px; }
        .health-good { border-left: 5px solid var(--good); } .health-fair { border-left: 5px dashed var(--fair); } .health-poor { border-left: 5px dotted var(--poor); }
        .flag { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 0 4px; border: 1px solid var(--poor); color: #8a3200; border-radius: 3px; }
        td.flagged { font-weight: 700; }
        tr.overdue td:first-child { border-left: 4px solid var(--poor); }
        .hidden-text { color: var(--muted); font-style: italic; }
        svg.spark { overflow: visible; } svg.spark path { fill: none; stroke: var(--good); stroke-width: 1.6; } svg.spark circle { fill: var(--good); }
        svg.spark line.goal { stroke: var(--line); stroke-dasharray: 2 2; }
        figure.chart-figure { margin: 16px 0; max-width: 720px; } figure svg { width: 100%; height: auto; }
        svg.chart .grid { stroke: var(--line); } svg.chart .axis { font-size: 11px; fill: var(--muted); }
        svg.chart rect.reviewed { fill: #c8d1da; } svg.chart path.line { fill: none; stroke-width: 2; }
        figcaption { color: var(--muted); font-size: 13px; }
        ol.timeline { list-style: none; padding-left: 0; border-left: 3px solid var(--line); } ol.timeline li { padding: 4px 12px; }
        .outcome { font-weight: 700; } .outcome-missed { color: #8a3200; }
        .problem { padding: 12px; border: 2px solid var(--poor); border-radius: 6px; max-width: 720px; }
        body[data-live-connected="false"] #live-status { color: #8a3200; }
        @media (max-width: 900px) { table.team { font-size: 13px; } .trend { display: none; } }
        """

    /// Sorting (kept across live refreshes), and live refresh of `<main>` from the feed's server-sent events.
    static let javascript = """
        "use strict";
        (function () {
          var storageKey = "coachlog-sort:" + location.pathname;
          function cellValue(row, index, type) {
            var cell = row.cells[index];
            var raw = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
            return type === "number" ? parseFloat(raw) : raw.toLocaleLowerCase();
          }
          function sortTable(table, index, direction) {
            var header = table.tHead.rows[0].cells[index];
            var button = header.querySelector("button");
            if (!button) return;
            var type = button.getAttribute("data-type");
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = cellValue(a, index, type), y = cellValue(b, index, type);
              var order = type === "number" ? x - y : x.localeCompare(y);
              return direction === "ascending" ? order : -order;
            });
            rows.forEach(function (row) { body.appendChild(row); });
            Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
              if (cell.hasAttribute("aria-sort")) cell.setAttribute("aria-sort", "none");
            });
            header.setAttribute("aria-sort", direction);
          }
          function wireTables() {
            Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
              Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
                var button = cell.querySelector("button");
                if (!button) return;
                button.addEventListener("click", function () {
                  var next = cell.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
                  sortTable(table, index, next);
                  try { sessionStorage.setItem(storageKey, JSON.stringify({ index: index, direction: next })); } catch (e) {}
                });
              });
              try {
                var saved = JSON.parse(sessionStorage.getItem(storageKey) || "null");
                if (saved) sortTable(table, saved.index, saved.direction);
              } catch (e) {}
            });
          }
          var main = document.getElementById("main");
          var status = document.getElementById("live-status");
          document.body.dataset.refreshes = "0";
          function watches(names) {
            var holder = document.getElementById("live-watch");
            var watch = (holder && holder.getAttribute("data-watch")) || "*";
            if (watch === "*") return true;
            var mine = JSON.parse(watch);
            return names.some(function (name) { return mine.indexOf(name) >= 0; });
          }
          // At most one refresh a second: an organisation's overview is large, and appends may be many.
          var loading = false, again = false, last = 0, timer = null;
          function refresh() {
            if (loading) { again = true; return; }
            var wait = last + 1000 - Date.now();
            if (wait > 0) {
              if (!timer) timer = setTimeout(function () { timer = null; refresh(); }, wait);
              return;
            }
            loading = true;
            last = Date.now();
            var url = new URL(location.href);
            url.searchParams.set("partial", "1");
            fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
              .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
              .then(function (html) {
                var focused = document.activeElement && document.activeElement.id;
                main.innerHTML = html;
                wireTables();
                if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
                document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes) + 1);
                status.textContent = "live: updated " + new Date().toLocaleTimeString();
              })
              .catch(function (why) { status.textContent = "live: could not refresh (" + why + "); reload the page"; })
              .then(function () { loading = false; if (again) { again = false; refresh(); } });
          }
          wireTables();
          if (main.getAttribute("data-live") !== "true" || !window.EventSource) return;
          var source = new EventSource("/events");
          source.addEventListener("change", function (event) {
            var change = JSON.parse(event.data);
            if (watches(change.salespeople)) refresh();
          });
          var wasDown = false;
          source.addEventListener("feed", function (event) {
            var up = JSON.parse(event.data).connected;
            // Back after a break: something may have been recorded meanwhile.
            if (up && wasDown) refresh();
            wasDown = !up;
            document.body.dataset.liveConnected = String(up);
            status.textContent = up ? "live: following coachlogd" : "live: coachlogd is not reachable; retrying";
          });
          source.onerror = function () {
            wasDown = true;
            document.body.dataset.liveConnected = "false";
            status.textContent = "live: reconnecting to the dashboard…";
          };
        })();
        """
}
