package dev.hwf.launcher.report;

/** What the report page carries inline besides its content: its styles and its script. */
final class ReportAssets {
    private ReportAssets() {
    }

    /** The page's styles. */
    static final String CSS = """
            :root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --ok:#16a34a; --bad:#dc2626;
              --retry:#f59e0b; --run:#2563eb; --cancel:#94a3b8; --queue:#cbd5e1; }
            * { box-sizing: border-box; }
            body { margin: 0 auto; padding: 28px 32px 40px; max-width: 1200px; color: var(--ink); background: #fff;
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            code, pre, .path { font-family: ui-monospace, "SFMono-Regular", Menlo, "DejaVu Sans Mono", monospace;
              font-size: 12.5px; }
            header { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 18px; }
            .title { display: flex; align-items: center; gap: 14px; }
            h1 { font-size: 26px; margin: 0; letter-spacing: -0.01em; }
            h2 { font-size: 17px; margin: 28px 0 10px; }
            .meta { color: var(--muted); margin-top: 6px; }
            .reason { margin-top: 8px; color: var(--bad); font-weight: 600; }
            .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11.5px;
              font-weight: 650; letter-spacing: 0.03em; background: #e2e8f0; color: #334155; vertical-align: 1px; }
            .title .badge { font-size: 13px; padding: 3px 12px; }
            .s-SUCCEEDED { background: #dcfce7; color: #166534; }
            .s-FAILED { background: #fee2e2; color: #991b1b; }
            .s-RETRIED { background: #fef3c7; color: #92400e; }
            .s-CANCELLED { background: #f1f5f9; color: #475569; }
            .s-RUNNING { background: #dbeafe; color: #1e40af; }
            .s-QUEUED { background: #fef9c3; color: #854d0e; }
            .s-WAITING { background: #f1f5f9; color: #64748b; }
            .cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
            .card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; background: var(--bg); }
            .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; }
            .card .value { font-size: 22px; font-weight: 650; margin-top: 2px; }
            .card .note { color: var(--muted); font-size: 12px; }
            .legend { display: flex; flex-wrap: wrap; gap: 16px; color: var(--muted); font-size: 12.5px;
              margin-bottom: 8px; }
            .legend .zero { margin-left: auto; }
            .sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; margin-right: 6px;
              vertical-align: -1px; }
            .sw.queued { background: repeating-linear-gradient(45deg, #e2e8f0 0 3px, #94a3b8 3px 5px); }
            .sw.unobserved { background: #93c5fd; outline: 1.5px dashed #1e3a8a; outline-offset: -1.5px; }
            .sw.o-SUCCEEDED { background: var(--ok); } .sw.o-FAILED { background: var(--bad); }
            .sw.o-RETRIED { background: var(--retry); } .sw.o-CANCELLED { background: var(--cancel); }
            .sw.o-RUNNING { background: var(--run); }
            .chart { border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; background: #fff; }
            svg { display: block; }
            svg .band { fill: #fff; } svg .band.alt { fill: #f8fafc; }
            svg .axis line { stroke: #e2e8f0; stroke-width: 1; }
            svg .axis text { fill: var(--muted); font-size: 11px; text-anchor: middle; }
            svg .mark line { stroke: #7c3aed; stroke-width: 1.5; stroke-dasharray: 4 3; }
            svg .mark.m-SUCCEEDED line { stroke: var(--ok); } svg .mark.m-FAILED line { stroke: var(--bad); }
            svg .mark.m-CANCELLED line { stroke: var(--cancel); }
            svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            svg .tname { font-size: 12.5px; font-weight: 600; fill: var(--ink); }
            svg .tname .count { font-weight: 400; fill: var(--muted); }
            svg .ename { font-size: 10.5px; fill: var(--muted); text-anchor: end; }
            svg .queued { fill: url(#hatch); }
            svg .run.o-SUCCEEDED, svg .end.o-SUCCEEDED { fill: var(--ok); }
            svg .run.o-FAILED, svg .end.o-FAILED { fill: var(--bad); }
            svg .run.o-RETRIED, svg .end.o-RETRIED { fill: var(--retry); }
            svg .run.o-CANCELLED, svg .end.o-CANCELLED, svg .never { fill: var(--cancel); }
            svg .run.o-RUNNING { fill: var(--run); } svg .run.o-QUEUED { fill: #fde68a; }
            svg .run.unobserved { fill-opacity: 0.55; stroke: #1e3a8a; stroke-width: 1; stroke-dasharray: 3 2; }
            svg .span { fill: #cbd5e1; } svg .span.s-SUCCEEDED { fill: #86efac; } svg .span.s-FAILED { fill: #fca5a5; }
            svg .element:hover rect { stroke: #0f172a; stroke-width: 1; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
            th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase;
              letter-spacing: 0.04em; background: var(--bg); }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            th { white-space: nowrap; }
            .dim { color: var(--muted); }
            td.req { min-width: 230px; }
            table.tasks td, table.tasks th { padding: 7px 8px; }
            .why { color: #9a3412; }
            .gpu { color: #6d28d9; }
            .ok { color: var(--ok); font-weight: 600; }
            .failures { display: grid; gap: 10px; }
            .failure { border: 1px solid #fecaca; border-left: 4px solid var(--bad); border-radius: 8px; padding: 10px 14px;
              background: #fffafa; }
            .failure .logs { float: right; }
            .failure pre { margin: 8px 0 0; padding: 8px 10px; background: #1e293b; color: #e2e8f0; border-radius: 6px;
              overflow-x: auto; max-height: 240px; }
            details { border: 1px solid var(--line); border-radius: 10px; margin-bottom: 10px; background: #fff; }
            summary { padding: 10px 14px; cursor: pointer; }
            details table { font-size: 13px; }
            details td, details th { padding: 5px 10px; }
            td.logs a, .failure a { margin-right: 8px; }
            a { color: #1d4ed8; text-decoration: none; } a:hover { text-decoration: underline; }
            footer { margin-top: 34px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
              padding-top: 12px; }
            #tip { position: fixed; pointer-events: none; background: #0f172a; color: #f8fafc; padding: 7px 10px;
              border-radius: 6px; font-size: 12px; white-space: pre; box-shadow: 0 4px 14px rgba(0,0,0,.25);
              z-index: 10; }
            @media (max-width: 900px) { .cards { grid-template-columns: repeat(3, 1fr); } }
            """;

    /** Hover details for the timeline; marks the page as drawn (for tests in a real browser). */
    static final String SCRIPT = """
            (function () {
              var tip = document.getElementById('tip');
              document.querySelectorAll('#timeline [data-tip]').forEach(function (el) {
                var t = el.querySelector('title');
                if (t) { el.removeChild(t); }
                el.addEventListener('mousemove', function (ev) {
                  tip.textContent = el.getAttribute('data-tip');
                  tip.hidden = false;
                  tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
                  tip.style.top = (ev.clientY + 16) + 'px';
                });
                el.addEventListener('mouseleave', function () { tip.hidden = true; });
              });
              var data = JSON.parse(document.getElementById('hwf-report').textContent);
              var drawn = document.querySelectorAll('#timeline g.element').length;
              var expected = data.tasks.reduce(function (n, t) { return n + t.elements.length; }, 0);
              document.documentElement.setAttribute('data-hwf-elements', drawn + '/' + expected);
            })();
            """;
}
