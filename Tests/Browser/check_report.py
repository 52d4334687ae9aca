#!/usr/bin/env python3
"""Renders Tilt's report.html in headless Chromium and checks its layout as a reader would see it.

Usage: check_report.py TILT_BINARY [--data DIR] [--keep DIR]

For each report (a 19-value tracking-error sweep on the built-in synthetic market, always; with the data
folder, Examples/tev_cap.tilt, sector_rotation.tilt and ppp.tilt too) it runs `tilt run … --out`, copies
report.html with a measuring script added (the report itself has none), loads it in Chromium at 1280 px
(`--dump-dom`) and reads the measurements the script wrote into the page. Checks:
  - every chart (an <svg>) of every result, with each result selected in turn and every <details> open,
    has drawn data: a mark of class "data" with a non-empty bounding box and no NaN coordinates;
  - no table, chart, figure or block of text reaches past the page's right edge at 1280 px, and the page
    itself has no horizontal scroll;
  - a sweep's page, as it opens (first result selected, details closed), is under 8,000 px tall;
  - the page loads nothing from outside (no src= or href= to another resource, no <script>).
Prints one line per check and `N passed, N failed`; exits 1 when a check failed, 2 when Chromium is missing.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

VIEWPORT = 1280
MAX_SWEEP_HEIGHT = 8000

MEASURE = r"""
<script>
(function () {
  function visible(el) { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; }
  function charts(problems, label) {
    let count = 0;
    document.querySelectorAll('svg').forEach(function (svg, index) {
      if (!visible(svg)) return;
      count += 1;
      const title = (svg.querySelector('title') || {}).textContent || ('chart ' + index);
      const marks = Array.from(svg.querySelectorAll('.data'));
      const drawn = marks.filter(function (m) {
        const b = m.getBBox();
        const text = (m.getAttribute('d') || '') + (m.getAttribute('points') || '') + (m.getAttribute('cx') || '');
        return (b.width > 0 || b.height > 0) && text.indexOf('NaN') < 0 && text !== 'M0 0';
      });
      if (drawn.length === 0) problems.push(label + ': chart "' + title + '" has no drawn data (' + marks.length + ' marks)');
    });
    return count;
  }
  function overflow(problems, label) {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1)
      problems.push(label + ': the page scrolls sideways (' + document.documentElement.scrollWidth + ' px > ' + width + ' px)');
    document.querySelectorAll('table, svg, figure, pre, p, dl, nav, .grid2, .grid3').forEach(function (el) {
      if (!visible(el)) return;
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 || r.left < -0.5) {
        const name = el.tagName.toLowerCase() + ((el.querySelector('caption, title') || {}).textContent ? ' "' + (el.querySelector('caption, title').textContent).slice(0, 60) + '"' : '');
        problems.push(label + ': ' + name + ' overflows the page (' + Math.round(r.left) + '…' + Math.round(r.right) + ' px of ' + width + ')');
      }
      const parent = el.parentElement;
      if (parent && el.tagName !== 'svg') {
        const p = parent.getBoundingClientRect();
        if (r.right > p.right + 1 && getComputedStyle(parent).overflowX === 'visible')
          problems.push(label + ': ' + el.tagName.toLowerCase() + ' is wider than its column (' + Math.round(r.right - p.right) + ' px)');
      }
    });
  }
  const out = { viewport: window.innerWidth, height: document.documentElement.scrollHeight, problems: [], charts: 0, results: 0 };
  const picks = Array.from(document.querySelectorAll('input.pick'));
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  if (picks.length === 0) {
    out.results = 1;
    out.charts += charts(out.problems, 'the result');
    overflow(out.problems, 'the result');
  } else {
    picks.forEach(function (pick, i) {
      pick.checked = true;
      const label = document.querySelector('label[for=' + pick.id + ']');
      const name = label ? label.textContent : ('result ' + (i + 1));
      out.results += 1;
      out.charts += charts(out.problems, name);
      overflow(out.problems, name);
    });
  }
  const pre = document.createElement('pre');
  pre.id = 'tilt-measurements';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""

SWEEP_PROGRAM = """# A 19-value tracking-error sweep on the built-in synthetic market (the browser test's report).
universe synthetic(stocks: 40, seed: 7, from: 1985-01, to: 2012-12)
benchmark mktcap
model ols(window: rolling 60)
tev in 1% to 10% by 0.5%
maximize mu'f s.t. tev <= 6%
rebalance monthly
"""


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def measure(chromium, html_path, work):
    """Loads a copy of the report with the measuring script and returns what it wrote."""
    with open(html_path, encoding="utf-8") as f:
        page = f.read()
    probe = os.path.join(work, "probe.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(page.replace("</body>", MEASURE + "</body>"))
    # The height of the window does not bound the page; a short window keeps the first layout cheap.
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               f"--window-size={VIEWPORT},900", "--virtual-time-budget=20000", "--dump-dom", "file://" + probe]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    found = re.search(r'<pre id="tilt-measurements">(.*?)</pre>', run.stdout, re.S)
    if not found:
        raise RuntimeError(f"Chromium wrote no measurements (exit {run.returncode}): {run.stderr[-800:]}")
    text = found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tilt")
    parser.add_argument("--data", default=os.environ.get("TILT_DATA", "../shared/data"))
    parser.add_argument("--keep", help="write the reports into this folder instead of a temporary one")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("chromium is not installed (Debian: apt-get install chromium; .ci/setup installs it)")
        return 2
    work = args.keep or tempfile.mkdtemp(prefix="tilt-browser-")
    os.makedirs(work, exist_ok=True)
    sweep = os.path.join(work, "synthetic_sweep.tilt")
    with open(sweep, "w") as f:
        f.write(SWEEP_PROGRAM)
    cases = [("synthetic 19-value sweep", sweep, [], True)]
    if os.path.isdir(args.data):
        for example, is_sweep in (("tev_cap", True), ("sector_rotation", False), ("ppp", False)):
            cases.append((f"Examples/{example}.tilt", f"Examples/{example}.tilt", ["--data", args.data], is_sweep))
    else:
        print(f"skipped the data examples: no data folder at {args.data} (set TILT_DATA)")
    passed = failed = 0

    def check(ok, message):
        nonlocal passed, failed
        print(("ok    " if ok else "FAIL  ") + message)
        if ok:
            passed += 1
        else:
            failed += 1

    for name, program, extra, is_sweep in cases:
        out = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_"))
        run = subprocess.run([args.tilt, "run", program, "--out", out] + extra, capture_output=True, text=True, timeout=1800)
        check(run.returncode == 0, f"{name}: tilt run exits 0" + ("" if run.returncode == 0 else f" (got {run.returncode}: {run.stderr[-500:]})"))
        html_path = os.path.join(out, "report.html")
        if run.returncode != 0 or not os.path.exists(html_path):
            continue
        with open(html_path, encoding="utf-8") as f:
            page = f.read()
        external = re.findall(r'(?:src|href)\s*=\s*"(?!#)[^"]*"', page)
        check("<script" not in page and not external, f"{name}: self-contained (no script, no external resource)")
        try:
            m = measure(chromium, html_path, work)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            check(False, f"{name}: rendered in Chromium ({error})")
            continue
        check(m["viewport"] == VIEWPORT, f"{name}: rendered at {m['viewport']} px wide (want {VIEWPORT})")
        chart_problems = [p for p in m["problems"] if "drawn data" in p]
        layout_problems = [p for p in m["problems"] if "drawn data" not in p]
        check(m["charts"] > 0 and not chart_problems,
              f"{name}: every chart of {m['results']} result(s) has drawn data ({m['charts']} charts)"
              + "".join("\n        " + p for p in chart_problems[:10]))
        check(not layout_problems, f"{name}: nothing overflows at {VIEWPORT} px"
              + "".join("\n        " + p for p in layout_problems[:10]))
        if is_sweep:
            check(m["height"] < MAX_SWEEP_HEIGHT, f"{name}: the page is {m['height']} px tall (under {MAX_SWEEP_HEIGHT})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
