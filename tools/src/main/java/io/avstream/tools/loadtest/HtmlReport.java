package io.avstream.tools.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Renders a {@link LoadResult} as one self-contained HTML page: the result's JSON inline and a small
 * inline script that draws SVG charts when the page opens (latency percentiles over time, throughput
 * over time, input rate and heap over time, the end-to-end latency histogram, and for a sweep p99
 * against the stream count). No external resources: it opens offline in any browser.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** Writes the report of {@code result} to {@code file}. */
    public static void write(LoadResult result, Path file) throws IOException {
        Files.writeString(file, render(result));
    }

    /** The report of {@code result} as an HTML document. */
    public static String render(LoadResult result) {
        String json = result.toJson().replace("</", "<\\/").replace("<!--", "\\u003c!--");
        return PAGE.replace("__TITLE__", escape(result.title())).replace("__DATA__", json);
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>__TITLE__</title>
            <style>
              body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
              h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; }
              h3 { font-size: 14px; margin: 16px 0 4px; }
              table { border-collapse: collapse; margin: 8px 0; }
              td, th { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; }
              td:first-child, th:first-child { text-align: left; }
              .charts { display: flex; flex-wrap: wrap; gap: 12px; }
              svg.chart { background: #fafafa; border: 1px solid #e4e4e4; }
              svg.chart text { font: 11px system-ui, sans-serif; fill: #444; }
              .held { color: #17803d; } .failed { color: #b3261e; }
              .settings td { text-align: left; }
            </style>
            </head>
            <body>
            <h1>__TITLE__</h1>
            <div id="report"></div>
            <script type="application/json" id="result-data">__DATA__</script>
            <script>
            (function () {
              'use strict';
              var NS = 'http://www.w3.org/2000/svg';
              var COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];
              var data = JSON.parse(document.getElementById('result-data').textContent);
              var root = document.getElementById('report');

              function el(tag, attrs, parent, text) {
                var e = document.createElement(tag);
                for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
                if (text !== undefined) { e.textContent = text; }
                if (parent) { parent.appendChild(e); }
                return e;
              }
              function svgEl(tag, attrs, parent, text) {
                var e = document.createElementNS(NS, tag);
                for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
                if (text !== undefined) { e.textContent = text; }
                if (parent) { parent.appendChild(e); }
                return e;
              }
              function fmt(v) {
                if (v === null || v === undefined || isNaN(v)) { return '-'; }
                var a = Math.abs(v);
                return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
              }
              function niceMax(v) {
                if (!(v > 0)) { return 1; }
                var p = Math.pow(10, Math.floor(Math.log10(v)));
                var steps = [1, 2, 2.5, 5, 10];
                for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
                return 10 * p;
              }

              // A chart frame: axes, grid, labels; returns scale functions and the svg.
              function frame(parent, name, title, xLabel, yLabel, xMin, xMax, yMax) {
                var W = 520, H = 260, L = 56, R = 12, T = 26, B = 38;
                var svg = svgEl('svg', {'class': 'chart', 'data-chart': name, width: W, height: H,
                  viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title}, parent);
                svgEl('text', {x: L, y: 16, 'font-weight': 'bold'}, svg, title);
                var ym = niceMax(yMax);
                if (xMax <= xMin) { xMax = xMin + 1; }
                var sx = function (x) { return L + (x - xMin) / (xMax - xMin) * (W - L - R); };
                var sy = function (y) { return H - B - Math.min(y, ym) / ym * (H - T - B); };
                for (var i = 0; i <= 4; i++) {
                  var yv = ym * i / 4;
                  svgEl('line', {x1: L, x2: W - R, y1: sy(yv), y2: sy(yv), stroke: '#e0e0e0'}, svg);
                  svgEl('text', {x: L - 4, y: sy(yv) + 4, 'text-anchor': 'end'}, svg, fmt(yv));
                }
                for (var j = 0; j <= 5; j++) {
                  var xv = xMin + (xMax - xMin) * j / 5;
                  svgEl('text', {x: sx(xv), y: H - B + 14, 'text-anchor': 'middle'}, svg, fmt(xv));
                }
                svgEl('line', {x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#888'}, svg);
                svgEl('line', {x1: L, x2: L, y1: T, y2: H - B, stroke: '#888'}, svg);
                svgEl('text', {x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle'}, svg, xLabel);
                svgEl('text', {x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle',
                  transform: 'rotate(-90 12 ' + ((T + H - B) / 2) + ')'}, svg, yLabel);
                return {svg: svg, sx: sx, sy: sy, W: W, H: H, L: L, R: R, T: T, B: B};
              }

              function legend(f, names) {
                var x = f.L + 8;
                names.forEach(function (n, i) {
                  svgEl('rect', {x: x, y: f.T + 4, width: 10, height: 10, fill: COLORS[i % COLORS.length]}, f.svg);
                  svgEl('text', {x: x + 14, y: f.T + 13}, f.svg, n);
                  x += 18 + 7 * n.length;
                });
              }

              function phases(f, trial) {
                (trial.phases || []).forEach(function (p, i) {
                  var x1 = f.sx(p.fromS), x2 = f.sx(p.toS);
                  svgEl('rect', {'class': 'phase', x: x1, y: f.T, width: Math.max(0, x2 - x1), height: f.H - f.T - f.B,
                    fill: i % 2 ? '#eef3fb' : '#f6f6f6', opacity: 0.8}, f.svg);
                  svgEl('text', {x: (x1 + x2) / 2, y: f.H - f.B - 4, 'text-anchor': 'middle', fill: '#777'}, f.svg, p.name);
                });
              }

              // Lines of series[k] = [[x, y], ...].
              function lineChart(parent, name, title, xLabel, yLabel, names, series, trial, hline) {
                var xs = [], ys = [];
                series.forEach(function (s) { s.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); }); });
                if (hline) { ys.push(hline.y); }
                var xMin = xs.length ? Math.min.apply(null, xs) : 0, xMax = xs.length ? Math.max.apply(null, xs) : 1;
                var f = frame(parent, name, title, xLabel, yLabel, xMin, xMax, ys.length ? Math.max.apply(null, ys) : 1);
                if (trial) { phases(f, trial); }
                if (hline) {
                  svgEl('line', {'class': 'target', x1: f.L, x2: f.W - f.R, y1: f.sy(hline.y), y2: f.sy(hline.y),
                    stroke: '#b3261e', 'stroke-dasharray': '5,4'}, f.svg);
                  svgEl('text', {x: f.W - f.R - 4, y: f.sy(hline.y) - 4, 'text-anchor': 'end', fill: '#b3261e'}, f.svg, hline.label);
                }
                series.forEach(function (s, i) {
                  if (!s.length) { return; }
                  var d = s.map(function (p, k) { return (k ? 'L' : 'M') + f.sx(p[0]).toFixed(1) + ',' + f.sy(p[1]).toFixed(1); }).join(' ');
                  svgEl('path', {'class': 'series', 'data-series': names[i], d: d, fill: 'none',
                    stroke: COLORS[i % COLORS.length], 'stroke-width': 1.6}, f.svg);
                  if (s.length < 30) {
                    s.forEach(function (p) {
                      svgEl('circle', {cx: f.sx(p[0]), cy: f.sy(p[1]), r: 3, fill: COLORS[i % COLORS.length]}, f.svg);
                    });
                  }
                });
                legend(f, names);
                return f.svg;
              }

              function histogramChart(parent, trial) {
                var b = trial.histogram || [];
                var xMin = b.length ? b[0].fromMs : 0, xMax = b.length ? b[b.length - 1].toMs : 1;
                var yMax = b.reduce(function (m, x) { return Math.max(m, x.count); }, 0);
                var f = frame(parent, 'histogram', 'end-to-end latency histogram', 'latency (ms)', 'predictions', xMin, xMax, yMax);
                b.forEach(function (x) {
                  var x1 = f.sx(x.fromMs), x2 = f.sx(x.toMs);
                  svgEl('rect', {'class': 'bar', x: x1 + 0.5, y: f.sy(x.count), width: Math.max(0.5, x2 - x1 - 1),
                    height: f.H - f.B - f.sy(x.count), fill: COLORS[0]}, f.svg);
                });
                return f.svg;
              }

              function table(parent, head, rows) {
                var t = el('table', {}, parent);
                var tr = el('tr', {}, t);
                head.forEach(function (h) { el('th', {}, tr, h); });
                rows.forEach(function (r) {
                  var row = el('tr', {}, t);
                  r.forEach(function (c) { el('td', {}, row, typeof c === 'number' ? fmt(c) : c); });
                });
                return t;
              }

              var PART_NAMES = {endToEnd: (data.settings || {}).modality === 'speech'
                  ? 'end-to-end (segment end -> consumer)' : 'end-to-end (capture -> consumer)', eventTimeWait: '  event-time wait (window end + out-of-orderness)',
                queue: '  queue in batcher', inference: '  inference', emitToConsumer: '  emit -> consumer',
                pipeline: 'pipeline share (e2e - wait - queue - inference)', pipelineStrict: 'pipeline share, queue beyond max-delay counted'};

              function summaryTables(parent, summaries) {
                table(parent, ['interval', 'streams', 's', 'windows/s', 'predictions/s', 'predicted / expected', 'shed', 'input MB/s', 'mean batch', 'heap max MB'],
                  summaries.map(function (s) {
                    return [s.name, String(s.streams), s.seconds, s.windowsPerSecond, s.predictionsPerSecond,
                      s.predictions + ' / ' + s.expectedWindows, s.shedWindows === undefined ? 'n/a' : String(s.shedWindows),
                      s.inputMBPerSecond, s.meanBatch, s.heapMaxMB];
                  }));
                summaries.forEach(function (s) {
                  el('h3', {}, parent, 'latency (ms): ' + s.name);
                  table(parent, ['', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'], Object.keys(s.latency).map(function (k) {
                    var p = s.latency[k];
                    return [PART_NAMES[k] || k, p.p50, p.p90, p.p95, p.p99, p.max, p.mean];
                  }));
                });
              }

              var settings = data.settings || {};
              var st = el('table', {'class': 'settings'}, root);
              Object.keys(settings).forEach(function (k) {
                var tr = el('tr', {}, st); el('td', {}, tr, k); el('td', {}, tr, settings[k]);
              });
              el('p', {}, root, 'started ' + data.startedAt);

              if (data.sweep) {
                var sw = data.sweep;
                el('h2', {}, root, 'Sweep: largest stream count with p99 <= ' + fmt(sw.targetP99Ms) + ' ms: ' + sw.largestHeld);
                var steps = sw.steps.slice().sort(function (a, b) { return a.streams - b.streams; });
                var box = el('div', {'class': 'charts'}, root);
                lineChart(box, 'sweep', 'end-to-end p99 by stream count', 'streams', 'p99 (ms)', ['end-to-end p99'],
                  [steps.map(function (s) { return [s.streams, s.p99Ms]; })], null, {y: sw.targetP99Ms, label: 'target'});
                table(root, ['streams (in order tried)', 'p99 ms', 'delivered', 'settled', 'held'], sw.steps.map(function (s) {
                  return [String(s.streams), s.p99Ms, (100 * s.deliveredShare).toFixed(1) + '%', s.settled ? 'yes' : 'no',
                    s.held ? 'yes' : 'no'];
                }));
              }

              (data.trials || []).forEach(function (trial) {
                var sec = el('section', {'class': 'trial'}, root);
                el('h2', {}, sec, trial.label + (trial.held === undefined ? '' : trial.held ? ' (held)' : ' (failed)'));
                if (trial.settle) {
                  el('p', {'class': trial.settle.settled ? 'held' : 'failed'}, sec, 'measurement started at ' + trial.settle.atS
                    + ' s: ' + (trial.settle.settled ? 'settled ' : 'NOT settled within the settle timeout: ') + trial.settle.reason);
                }
                summaryTables(sec, [trial.summary].concat(trial.phaseSummaries || []));
                var box = el('div', {'class': 'charts'}, sec);
                var pts = trial.series || [];
                function col(key) {
                  return pts.filter(function (p) { return p[key] !== undefined && p[key] !== null; })
                    .map(function (p) { return [p.t, p[key]]; });
                }
                function latencyCol(key) {
                  return pts.filter(function (p) { return p.predictions > 0; }).map(function (p) { return [p.t, p[key]]; });
                }
                lineChart(box, 'latency', 'end-to-end latency percentiles per second', 'time (s)', 'latency (ms)',
                  ['p50', 'p90', 'p95', 'p99', 'max'], ['p50', 'p90', 'p95', 'p99', 'max'].map(latencyCol), trial,
                  settings.targetP99Ms ? {y: Number(settings.targetP99Ms), label: 'p99 target'} : null);
                var names = ['predictions/s'], series = [col('predictions')];
                if (pts.some(function (p) { return p.windowsClosed !== undefined && p.windowsClosed !== null; })) {
                  names.push('windows closed/s', 'shed/s'); series.push(col('windowsClosed'), col('shedWindows'));
                }
                lineChart(box, 'throughput', 'throughput per second', 'time (s)', 'per second', names, series, trial);
                lineChart(box, 'input', 'input rate (Avro payload)', 'time (s)', 'MB/s', ['input MB/s'], [col('inputMB')], trial);
                lineChart(box, 'heap', 'JVM heap used', 'time (s)', 'MB', ['heap used MB'], [col('heapMB')], trial);
                histogramChart(box, trial);
              });
              document.body.setAttribute('data-rendered', 'true');
            })();
            </script>
            </body>
            </html>
            """;
}
