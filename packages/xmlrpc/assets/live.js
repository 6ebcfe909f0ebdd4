// tsupervisord web UI, live: the daemon pushes state changes over Server-Sent Events (`events`) and log bytes
// over supervisord's own chunked `logtail/<name>` stream; nothing here polls the daemon. The pages work
// without this script (plain links and redirects, as supervisord's do); it only keeps them current.
(function () {
  "use strict";

  var live = document.getElementById("live");
  function setLive(state, text) {
    if (live === null) return;
    live.className = "live " + state;
    live.textContent = text;
  }

  // supervisord's uptime text (`pid 12, uptime 1:02:03`, `2 days, 0:00:05`), advanced in the page between
  // events from the start and server time each row carries: `formatTimedelta` is pycompat's, sent in front of
  // this file by the server (webui-assets.ts).
  /* global formatTimedelta */
  function stamp(row) {
    row.dataset.received = String(Date.now() / 1000);
  }
  function tick() {
    var rows = document.querySelectorAll("tr[data-state=RUNNING][data-start]");
    var nowLocal = Date.now() / 1000;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var desc = row.querySelector("td.desc span");
      var match = desc === null ? null : /^pid (\d+), uptime /.exec(desc.textContent || "");
      if (match === null) continue;
      var serverNow = Number(row.dataset.now) + (nowLocal - Number(row.dataset.received));
      desc.textContent = "pid " + match[1] + ", uptime " + formatTimedelta(serverNow - Number(row.dataset.start));
    }
  }
  function summarize() {
    var summary = document.getElementById("summary");
    if (summary === null) return;
    var rows = document.querySelectorAll("tr[data-state]");
    var counts = {};
    for (var i = 0; i < rows.length; i++) {
      var state = rows[i].dataset.state;
      counts[state] = (counts[state] || 0) + 1;
    }
    var parts = [rows.length + (rows.length === 1 ? " process" : " processes")];
    Object.keys(counts).sort().forEach(function (state) {
      parts.push(counts[state] + " " + state.toLowerCase());
    });
    summary.textContent = parts.join(" · ");
  }

  function statusPage() {
    var holder = document.getElementById("processes");
    if (holder === null || typeof EventSource === "undefined") return;
    var rows = document.querySelectorAll("tr[data-state]");
    for (var i = 0; i < rows.length; i++) stamp(rows[i]);
    summarize();
    setInterval(tick, 1000);

    var source = new EventSource("events");
    source.addEventListener("open", function () {
      setLive("on", "live");
    });
    source.addEventListener("error", function () {
      setLive("off", "reconnecting…");
    });
    // The whole table (first message, and whenever groups come or go).
    source.addEventListener("table", function (event) {
      holder.innerHTML = JSON.parse(event.data).html;
      var all = holder.querySelectorAll("tr[data-state]");
      for (var j = 0; j < all.length; j++) stamp(all[j]);
      summarize();
    });
    // One process changed state: its row, rendered by the daemon exactly as on the page.
    source.addEventListener("row", function (event) {
      var data = JSON.parse(event.data);
      var old = document.getElementById(data.id);
      if (old === null) return;
      var scratch = document.createElement("tbody");
      scratch.innerHTML = data.html;
      var row = scratch.firstElementChild;
      if (row === null) return;
      row.classList.toggle("shade", old.classList.contains("shade"));
      row.classList.add("changed");
      stamp(row);
      old.replaceWith(row);
      summarize();
    });
  }

  // tail.html: follow `logtail/<name>` (the daemon's streaming tail) and append what arrives.
  var MAX_TAIL_CHARS = 512 * 1024;
  function tailPage() {
    var pre = document.getElementById("tailbody");
    if (pre === null || !pre.dataset.follow || typeof fetch === "undefined" || typeof TextDecoder === "undefined") return;
    var decoder = new TextDecoder();
    var first = true;
    function append(text) {
      var atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
      if (first) {
        first = false;
        // The stream opens with the log's last bytes, which the page usually shows already.
        if ((pre.textContent || "").endsWith(text)) text = "";
        else pre.textContent = "";
      }
      if (text !== "") pre.appendChild(document.createTextNode(text));
      if ((pre.textContent || "").length > MAX_TAIL_CHARS) {
        pre.textContent = (pre.textContent || "").slice(-MAX_TAIL_CHARS / 2);
      }
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    }
    pre.scrollTop = pre.scrollHeight;
    fetch(pre.dataset.follow, { cache: "no-store" }).then(function (response) {
      if (!response.ok || response.body === null) {
        setLive("off", "not following (" + response.status + ")");
        return;
      }
      setLive("on", "following");
      var reader = response.body.getReader();
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) {
            setLive("off", "stream ended");
            return;
          }
          append(decoder.decode(step.value, { stream: true }));
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      setLive("off", "disconnected");
    });
  }

  statusPage();
  tailPage();
})();
