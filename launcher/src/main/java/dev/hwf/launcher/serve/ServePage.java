package dev.hwf.launcher.serve;

import dev.hwf.launcher.report.ReportHtml;

/**
 * {@code hwf serve}'s page: one self-contained HTML file, the report's styles and its own inline,
 * nothing fetched from elsewhere. Its script reads the server's JSON and listens to its event stream;
 * the timeline is the report's, drawn by the server.
 *
 * <p>For tests in a real browser the page marks itself: {@code data-hwf-run} (the run shown) and
 * {@code data-hwf-updates} (how many times the run was drawn) on {@code <html>}, {@code data-task}
 * and {@code data-state} on the grids and their cells.
 */
final class ServePage {
    private ServePage() {
    }

    private static final String CSS = """
            body { max-width: 1400px; }
            .top { display: flex; align-items: baseline; gap: 14px; border-bottom: 1px solid var(--line);
              padding-bottom: 10px; margin-bottom: 16px; }
            .top h1 { font-size: 20px; }
            .live { font-size: 12.5px; color: var(--muted); }
            .live i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; background: #94a3b8;
              margin-right: 6px; }
            .live.on i { background: var(--ok); }
            .layout { display: grid; grid-template-columns: 260px minmax(0, 1fr); gap: 22px; align-items: start; }
            main { min-width: 0; }
            .runs { border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
            .runs a { display: block; padding: 8px 12px; border-bottom: 1px solid var(--line); color: var(--ink); }
            .runs a:hover { background: var(--bg); text-decoration: none; }
            .runs a.sel { background: #eff6ff; }
            .runs .id { font-size: 11.5px; color: var(--muted); word-break: break-all; }
            .grid { display: flex; flex-wrap: wrap; gap: 2px; margin: 6px 0 14px; }
            .grid i { width: 11px; height: 11px; border-radius: 2px; cursor: pointer; background: #e2e8f0; }
            .grid.blocks i { width: 14px; height: 14px; }
            .grid i:hover, .grid i.sel { outline: 2px solid var(--ink); }
            .grid i.mixed { box-shadow: inset 0 0 0 2px var(--bad); }
            .g-W { background: #e2e8f0 !important; } .g-T { background: #c4b5fd !important; }
            .g-Q { background: #fde047 !important; } .g-R { background: var(--run) !important; }
            .g-S { background: var(--ok) !important; } .g-F { background: var(--bad) !important; }
            .g-C { background: var(--cancel) !important; }
            .s-STAGING { background: #ede9fe; color: #5b21b6; }
            .taskgrid h3 { font-size: 14px; margin: 10px 0 0; }
            .taskgrid .dim { font-weight: 400; }
            #element pre { margin: 6px 0 12px; padding: 8px 10px; background: #1e293b; color: #e2e8f0;
              border-radius: 6px; overflow: auto; max-height: 320px; white-space: pre-wrap; }
            #element { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; background: var(--bg); }
            table.events td { font-size: 12.5px; padding: 4px 8px; }
            .empty { color: var(--muted); padding: 30px 0; }
            @media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              var params = new URLSearchParams(location.search);
              var token = params.get('token') || '';
              if (token) { history.replaceState(null, '', location.pathname + location.hash); }
              var current = decodeURIComponent((location.hash.match(/run=([^&]+)/) || [])[1] || '');
              var runs = [], run = null, source = null, updates = 0, timelineAt = 0, timelineTimer = null;
              var NAMES = {W: 'WAITING', T: 'STAGING', Q: 'QUEUED', R: 'RUNNING', S: 'SUCCEEDED', F: 'FAILED',
                C: 'CANCELLED'};
              var ORDER = 'FRQTWCS';
              function api(path, q) {
                var u = new URLSearchParams(q || {});
                if (token) { u.set('token', token); }
                return path + '?' + u.toString();
              }
              function $(id) { return document.getElementById(id); }
              function esc(s) {
                return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
                  return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
                });
              }
              function badge(s) { return '<span class="badge s-' + esc(s) + '">' + esc(s) + '</span>'; }
              function when(t) { return t ? t.replace('T', ' ').replace(/\\.\\d+Z$/, 'Z').replace('Z', ' UTC') : '–'; }
              function clock(t) { return t ? t.substring(11, 19) : ''; }

              function drawRuns() {
                if (!current && runs.length) { current = runs[0].run; connect(); }
                $('runs').innerHTML = runs.length ? runs.map(function (r) {
                  return '<a href="#run=' + encodeURIComponent(r.run) + '" data-run="' + esc(r.run) + '"'
                    + (r.run === current ? ' class="sel"' : '') + '><b>' + esc(r.workflow) + '</b> '
                    + badge(r.state) + '<div class="id">' + esc(r.run) + '</div><div class="dim">'
                    + esc(when(r.submitted)) + '</div></a>';
                }).join('') : '<div class="empty" style="padding:12px">No runs in this journal yet.</div>';
              }

              function size(b) {
                var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
                while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
                return (i ? b.toFixed(1) : String(b)) + ' ' + u[i];
              }

              function staging(g) {
                return '<span class="staging">staged ' + esc(size(g.bytesDone)) + ' of ' + esc(size(g.bytesTotal))
                  + (g.route ? ' (' + esc(g.route) + ')' : '') + (g.tries > 1 ? ', try ' + g.tries : '')
                  + (g.ended ? ', done ' + esc(clock(g.ended)) : g.started ? ', since ' + esc(clock(g.started)) : '')
                  + (g.error ? ' <span class="why">' + esc(g.error) + '</span>' : '') + '</span>';
              }

              function counts(t) {
                return Object.keys(t.counts).map(function (k) { return t.counts[k] + ' ' + k.toLowerCase(); })
                  .join(', ');
              }

              function grid(t) {
                var n = t.grid.length, html = [];
                if (n <= 2000) {
                  for (var i = 0; i < n; i++) {
                    var c = t.grid.charAt(i);
                    html.push('<i class="g-' + c + '" data-index="' + i + '" data-state="' + NAMES[c]
                      + '" title="' + esc(t.name) + '[' + i + '] ' + NAMES[c] + '"></i>');
                  }
                  return '<div class="grid" data-task="' + esc(t.name) + '">' + html.join('') + '</div>';
                }
                var size = Math.ceil(n / 1000);
                for (var b = 0; b < n; b += size) {
                  var part = t.grid.substring(b, Math.min(n, b + size)), seen = {}, most = null;
                  for (var j = 0; j < part.length; j++) { seen[part.charAt(j)] = (seen[part.charAt(j)] || 0) + 1; }
                  Object.keys(seen).forEach(function (k) { if (most === null || seen[k] > seen[most]) { most = k; } });
                  var first = b;
                  if (seen.F) { first = b + part.indexOf('F'); }
                  var tip = esc(t.name) + '[' + b + '–' + (b + part.length - 1) + ']: ' + ORDER.split('')
                    .filter(function (k) { return seen[k]; }).map(function (k) {
                      return seen[k] + ' ' + NAMES[k].toLowerCase(); }).join(', ');
                  html.push('<i class="g-' + most + (seen.F && most !== 'F' ? ' mixed' : '') + '" data-index="' + first
                    + '" data-state="' + NAMES[most] + '" title="' + tip + '"></i>');
                }
                return '<div class="dim">' + n + ' elements, ' + size + ' to a block (its most common state; a red '
                  + 'rim: some failed)</div><div class="grid blocks" data-task="' + esc(t.name) + '">'
                  + html.join('') + '</div>';
              }

              function drawRun() {
                if (!run) { return; }
                var r = run;
                document.title = r.workflow + ' · ' + r.state + ' · hwf serve';
                var h = '<header><div class="title"><h1>' + esc(r.workflow) + '</h1>' + badge(r.state) + '</div>'
                  + '<div class="meta">run <code>' + esc(r.run) + '</code> · ' + esc(r.scheduler)
                  + ' · submitted ' + esc(when(r.submitted)) + (r.ended ? ' · ended ' + esc(when(r.ended)) : '')
                  + ' · ' + r.coreHours + ' core-h · ' + r.gpuHours + ' GPU-h</div>'
                  + (r.reason ? '<div class="reason">' + esc(r.reason) + '</div>' : '')
                  + '<div class="meta">work directory <code>' + esc(r.workdir + '/' + r.run) + '</code></div></header>';
                h += '<section><h2>Tasks</h2><table class="tasks"><thead><tr><th>Task</th><th>State</th><th>Site</th>'
                  + '<th>Elements</th><th class="n">Attempt</th><th>Job</th><th>Placed · staging · reason</th>'
                  + '</tr></thead><tbody>';
                r.tasks.forEach(function (t) {
                  var last = t.attempts.length ? t.attempts[t.attempts.length - 1] : null;
                  var notes = [];
                  if (last && last.placed) { notes.push('<span class="dim">' + esc(last.placed) + '</span>'); }
                  if (last && last.estimatedStart && t.state === 'QUEUED') {
                    notes.push('<span class="dim">est. start ' + esc(when(last.estimatedStart)) + '</span>');
                  }
                  if (t.staging) { notes.push(staging(t.staging)); }
                  if (t.reason) { notes.push('<span class="why">' + esc(t.reason) + '</span>'); }
                  h += '<tr data-task="' + esc(t.name) + '"><td><b>' + esc(t.name) + '</b></td><td>' + badge(t.state)
                    + '</td><td>' + esc(t.site || '') + '</td><td>' + t.size + '<br><span class="dim">' + esc(counts(t))
                    + '</span></td><td class="n">' + t.attempt + '</td><td>' + esc(t.jobId || '') + '</td><td>'
                    + notes.join('<br>') + '</td></tr>';
                });
                h += '</tbody></table></section><section><h2>Elements</h2>'
                  + '<div class="legend">' + 'WTQRSFC'.split('').map(function (c) {
                    return '<span><i class="sw g-' + c + '"></i>' + NAMES[c].toLowerCase() + '</span>'; }).join('')
                  + '<span class="zero">click one for its logs</span></div>';
                r.tasks.forEach(function (t) {
                  h += '<div class="taskgrid"><h3>' + esc(t.name) + ' <span class="dim">' + esc(counts(t))
                    + '</span></h3>' + grid(t) + '</div>';
                });
                h += '<div id="element" hidden></div></section>';
                h += '<div id="timeline-box">' + ($('timeline-box') ? $('timeline-box').innerHTML : '') + '</div>';
                h += '<section><h2>Events</h2><p class="dim">The newest ' + r.events.length + ' of ' + r.eventCount
                  + ', newest first.</p><table class="events"><thead><tr><th>At</th><th>Task</th><th>Element</th>'
                  + '<th class="n">Attempt</th><th>State</th><th>Job</th><th>Reason</th></tr></thead><tbody>';
                r.events.slice().reverse().forEach(function (e) {
                  h += '<tr><td>' + esc(when(e.at)) + '</td><td>' + esc(e.task || '') + '</td><td>'
                    + (e.index == null ? '' : e.index) + '</td><td class="n">' + (e.attempt == null ? '' : e.attempt)
                    + '</td><td>' + badge(e.state) + '</td><td>' + esc(e.jobId || '') + '</td><td>'
                    + esc(e.reason || '') + '</td></tr>';
                });
                h += '</tbody></table></section>';
                var open = $('element') && !$('element').hidden ? $('element').getAttribute('data-at') : null;
                $('main').innerHTML = h;
                updates++;
                document.documentElement.setAttribute('data-hwf-run', r.run);
                document.documentElement.setAttribute('data-hwf-updates', String(updates));
                $('updated').textContent = 'updated ' + new Date().toISOString().substring(11, 19) + ' UTC';
                if (open) { var p = open.split('\\u0000'); element(p[0], +p[1]); }
                timelineSoon();
              }

              function timelineSoon() {
                if (timelineTimer) { return; }
                var wait = Math.max(0, 3000 - (Date.now() - timelineAt));
                timelineTimer = setTimeout(function () {
                  timelineTimer = null;
                  timelineAt = Date.now();
                  var want = current;
                  fetch(api('api/timeline', {run: want})).then(function (res) { return res.ok ? res.text() : ''; })
                    .then(function (html) { if (want === current && $('timeline-box')) { $('timeline-box').innerHTML = html; } });
                }, wait);
              }

              function element(task, index) {
                fetch(api('api/element', {run: current, task: task, index: index})).then(function (res) {
                  return res.ok ? res.json() : res.text().then(function (t) { throw new Error(t); });
                }).then(function (e) {
                  var box = $('element');
                  if (!box) { return; }
                  var h = '<b>' + esc(e.task) + '[' + e.index + ']</b> ' + badge(e.state) + ' <span class="dim">attempt '
                    + e.attempt + (e.jobId ? ' · job ' + esc(e.jobId) : '') + (e.exitCode != null ? ' · exit '
                    + e.exitCode : '') + (e.started ? ' · started ' + esc(clock(e.started)) : '')
                    + (e.ended ? ' · ended ' + esc(clock(e.ended)) : '') + '</span>'
                    + (e.reason ? '<div class="why">' + esc(e.reason) + '</div>' : '');
                  ['stdout', 'stderr'].forEach(function (k) {
                    var l = e[k];
                    if (!l) { return; }
                    h += '<div class="dim">' + k + ' of attempt ' + e.logAttempt + ' · <code>' + esc(l.path) + '</code>'
                      + (l.cut ? ' · its last part' : '') + '</div><pre data-log="' + k + '">'
                      + (l.text == null ? '<span class="dim">(not written yet)</span>' : l.text === ''
                        ? '<span class="dim">(empty)</span>' : esc(l.text)) + '</pre>';
                  });
                  if (e.stdout == null) { h += '<div class="dim">not submitted yet: no logs</div>'; }
                  box.innerHTML = h;
                  box.hidden = false;
                  box.setAttribute('data-at', e.task + '\\u0000' + e.index);
                }).catch(function (err) { console.log(err); });
              }

              document.addEventListener('click', function (ev) {
                var cell = ev.target.closest('.grid i');
                if (cell) {
                  document.querySelectorAll('.grid i.sel').forEach(function (x) { x.classList.remove('sel'); });
                  cell.classList.add('sel');
                  element(cell.parentNode.getAttribute('data-task'), +cell.getAttribute('data-index'));
                }
              });
              var tip = $('tip');
              document.addEventListener('mousemove', function (ev) {
                var el = ev.target.closest && ev.target.closest('#timeline [data-tip]');
                if (!el) { tip.hidden = true; return; }
                tip.textContent = el.getAttribute('data-tip');
                tip.hidden = false;
                tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
                tip.style.top = (ev.clientY + 16) + 'px';
              });
              window.addEventListener('hashchange', function () {
                var r = decodeURIComponent((location.hash.match(/run=([^&]+)/) || [])[1] || '');
                if (r && r !== current) {
                  current = r; run = null; $('main').innerHTML = '<div class="empty">Reading ' + esc(r) + '…</div>';
                  drawRuns(); connect();
                }
              });

              function connect() {
                if (source) { source.close(); }
                source = new EventSource(api('api/events', current ? {run: current} : {}));
                source.onopen = function () { $('live').className = 'live on'; $('state').textContent = 'live'; };
                source.onerror = function () { $('live').className = 'live'; $('state').textContent = 'reconnecting'; };
                source.addEventListener('runs', function (m) { runs = JSON.parse(m.data); drawRuns(); });
                source.addEventListener('run', function (m) {
                  var r = JSON.parse(m.data);
                  if (r.run === current) { run = r; drawRun(); }
                });
              }
              connect();
            })();
            """;

    static final String HTML = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>hwf serve</title>\n<style>" + ReportHtml.css() + CSS + "</style>\n</head>\n<body>\n"
            + "<div class=\"top\"><h1>hwf</h1><span id=\"live\" class=\"live\"><i></i><span id=\"state\">connecting"
            + "</span></span><span class=\"live\" id=\"updated\"></span><span class=\"live\" style=\"margin-left:auto\">"
            + "a read-only view of the journal</span></div>\n"
            + "<div class=\"layout\"><nav id=\"runs\" class=\"runs\"></nav><main id=\"main\"><div class=\"empty\">"
            + "Reading the journal…</div></main></div>\n"
            + "<div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>" + SCRIPT + "</script>\n</body>\n</html>\n";
}
