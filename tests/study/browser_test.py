#!/usr/bin/python3
"""Browser test of the study report: runs `hitscope study` on the bundled dataset (with the
given config), then headless Chromium, driven by chromedriver over its W3C HTTP API (Python's
standard library only), opens report.html and checks that every section is there, every chart
is drawn (a canvas with painted pixels), no console or page error happened; then it saves
screenshots.

    browser_test.py --hitscope build/release/src/cli/hitscope --data data/spotify_songs.csv \
                    --config tests/study/reduced.toml --out-dir build/release/tests/study

Needs the Debian packages chromium and chromium-driver (scripts/bootstrap installs them).
Screenshots: <out-dir>/study_report.png (whole page) and study_report_top.png.
"""
import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing"))
from webdriver import Driver, free_port  # noqa: E402

SECTIONS = ["findings", "overview", "summary", "distributions", "correlation", "features", "time",
            "classes", "artists", "notes", "clustering", "models", "leakage", "importance",
            "regression", "method"]
# Charts the study adds to the profile's (ids start with "study-").
STUDY_CHARTS = ["study-classifiers", "study-knn-sweep", "study-depth-sweep", "study-imbalance",
                "study-leakage", "study-k-sweep-inertia", "study-k-sweep-indices",
                "study-importance-permutation", "study-importance-shap",
                "study-importance-impurity", "study-regression"]

# Runs in the page: sections, charts, painted pixels, errors the page caught.
INSPECT = r"""
const sections = Array.from(document.querySelectorAll('section.hs-section')).map(s => s.id);
const charts = Array.from(document.querySelectorAll('figure.hs-chart')).map(figure => {
  const canvas = figure.querySelector('canvas');
  let painted = 0;
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4 * 7) if (data[i] !== 0) painted++;
  }
  return {id: figure.getAttribute('data-chart'), rendered: figure.getAttribute('data-rendered'),
          canvas: !!canvas, width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0,
          painted: painted};
});
return {sections: sections, charts: charts, errors: window.hsErrors || [],
        rendered: document.body.getAttribute('data-charts-rendered'),
        json: !!document.getElementById('hs-result'),
        height: document.documentElement.scrollHeight};
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hitscope", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--config", default="")
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    for tool in ("chromium", "chromedriver"):
        if not shutil.which(tool):
            print(f"browser_test: '{tool}' is not installed; run scripts/bootstrap "
                  "(Debian packages chromium, chromium-driver)", file=sys.stderr)
            return 1
    os.makedirs(args.out_dir, exist_ok=True)
    study_dir = os.path.join(args.out_dir, "study_out")
    command = [args.hitscope, "-q", "study", args.data, "--out", study_dir]
    if args.config:
        command += ["--config", args.config]
    subprocess.run(command, check=True)
    report = os.path.join(study_dir, "report.html")

    failures = []
    profile_dir = tempfile.mkdtemp(prefix="hitscope-chromium-")
    port = free_port()
    driver_process = subprocess.Popen(["chromedriver", f"--port={port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = Driver(port)
    try:
        driver.wait_ready()
        driver.start(profile_dir)
        driver.call("POST", driver.s("/url"), {"url": "file://" + os.path.abspath(report)})
        deadline = time.time() + 60
        while time.time() < deadline and not driver.run(
                "return document.body && document.body.getAttribute('data-charts-rendered')"):
            time.sleep(0.2)
        page = driver.run(INSPECT)
        missing = [s for s in SECTIONS if s not in page["sections"]]
        if missing:
            failures.append(f"sections missing: {missing}")
        if len(page["charts"]) < 40:
            failures.append(f"only {len(page['charts'])} charts in the page")
        ids = [chart["id"] for chart in page["charts"]]
        absent = [c for c in STUDY_CHARTS if c not in ids]
        if absent:
            failures.append(f"study charts missing: {absent}")
        if not any(i.startswith("study-confusion-") for i in ids):
            failures.append("no confusion matrix chart")
        for chart in page["charts"]:
            if chart["rendered"] != "1" or not chart["canvas"] or chart["painted"] < 50:
                failures.append(f"chart not drawn: {chart}")
        if page["errors"]:
            failures.append(f"page errors: {page['errors']}")
        if not page["json"]:
            failures.append("no embedded JSON result")
        logs = driver.call("POST", driver.s("/se/log"), {"type": "browser"})
        severe = [entry for entry in logs if entry.get("level") in ("SEVERE", "WARNING")]
        if severe:
            failures.append(f"console errors: {severe}")
        # Screenshots: the top of the page, and the whole page.
        top = driver.call("GET", driver.s("/screenshot"))
        with open(os.path.join(args.out_dir, "study_report_top.png"), "wb") as f:
            f.write(base64.b64decode(top))
        height = min(int(page["height"]), 16000)
        driver.cdp("Emulation.setDeviceMetricsOverride",
                   {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.5)
        full = driver.cdp("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(os.path.join(args.out_dir, "study_report.png"), "wb") as f:
            f.write(base64.b64decode(full["data"]))
        # Negative control: a report with one broken chart must be caught by the same checks.
        broken = os.path.join(args.out_dir, "study_report_broken.html")
        with open(report, encoding="utf-8") as f:
            html = f.read()
        with open(broken, "w", encoding="utf-8") as f:
            f.write(html.replace('"kind":"histogram"', '"kind":"no-such-kind"', 1))
        driver.call("POST", driver.s("/url"), {"url": "file://" + os.path.abspath(broken)})
        deadline = time.time() + 60
        while time.time() < deadline and not driver.run(
                "return document.body && document.body.getAttribute('data-charts-rendered')"):
            time.sleep(0.2)
        control = driver.run(INSPECT)
        undrawn = [c for c in control["charts"] if c["rendered"] != "1" or c["painted"] < 50]
        if len(undrawn) != 1 or not control["errors"]:
            failures.append(f"negative control not caught: {len(undrawn)} undrawn charts, "
                            f"errors {control['errors']}")
        os.remove(broken)
        print(f"browser_test: {len(page['sections'])} sections, {len(page['charts'])} charts "
              f"drawn, {len(logs)} console messages; screenshots in {args.out_dir}")
    finally:
        if driver.session:
            try:
                driver.call("DELETE", driver.s(""))
            except OSError:
                pass
        driver_process.terminate()
        driver_process.wait(timeout=10)
        shutil.rmtree(profile_dir, ignore_errors=True)
    for failure in failures:
        print("browser_test: FAIL: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
