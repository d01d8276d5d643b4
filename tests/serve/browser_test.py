#!/usr/bin/python3
"""Browser test of the serve web page: trains a small forest, starts `hitscope serve` on a free
loopback port, and drives headless Chromium through chromedriver's W3C HTTP API (Python's
standard library only, as tests/profile/browser_test.py): the page loads the model's features as
sliders with the API's valid ranges, shows a prediction (class, probabilities, a drawn
contribution chart), predicts again when a slider moves, names the field of a bad value, and
scores an uploaded CSV. No console errors. Saves a screenshot.

    browser_test.py --hitscope build/release/src/cli/hitscope --data data/spotify_songs.csv \
                    --out-dir build/release/tests/serve

Needs the Debian packages chromium and chromium-driver (scripts/bootstrap installs them).
Screenshot: <out-dir>/serve_page.png.
"""
import argparse
import base64
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testing"))
from webdriver import Driver, free_port  # noqa: E402

FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]

INSPECT = r"""
const canvas = document.querySelector('#chart canvas');
let painted = 0;
if (canvas && canvas.width > 0) {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4 * 7) if (data[i] !== 0) painted++;
}
const sliders = Array.from(document.querySelectorAll('#features input[type=range]')).map(s => (
  {name: s.name, min: Number(s.min), max: Number(s.max), value: Number(s.value)}));
return {state: document.body.dataset.state,
        klass: document.getElementById('result-class').textContent,
        bars: Array.from(document.querySelectorAll('#probabilities .bar')).map(b => ({
          name: b.dataset.className,
          value: b.querySelector('.bar-value').textContent,
          chosen: b.classList.contains('chosen')})),
        chart: document.getElementById('chart').dataset.rendered, painted: painted,
        method: document.getElementById('contribution-method').textContent,
        sliders: sliders,
        error: document.getElementById('error').hidden ? '' :
               document.getElementById('error').textContent,
        invalid: Array.from(document.querySelectorAll('.field.invalid')).map(f => f.dataset.feature),
        csvRows: document.querySelectorAll('#csv-result tr').length,
        csvSummary: document.getElementById('csv-summary').textContent,
        errors: window.hsErrors || []};
"""


def set_slider(driver, name, value):
    driver.run("const s = document.querySelector('#features input[name=\"' + arguments[0] + '\"]');"
               "s.value = arguments[1]; s.dispatchEvent(new Event('input'));", [name, value])


def set_number(driver, name, value):
    driver.run("const f = document.querySelector('.field[data-feature=\"' + arguments[0] + '\"]');"
               "const n = f.querySelector('input.value'); n.value = arguments[1];"
               "n.dispatchEvent(new Event('input'));", [name, value])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hitscope", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out-dir", required=True)
    args = parser.parse_args()
    for tool in ("chromium", "chromedriver"):
        if not shutil.which(tool):
            print(f"browser_test: '{tool}' is not installed; run scripts/bootstrap "
                  "(Debian packages chromium, chromium-driver)", file=sys.stderr)
            return 1
    os.makedirs(args.out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="hitscope-serve-browser-")
    models = os.path.join(work, "models")
    os.makedirs(models)
    subprocess.run([args.hitscope, "-q", "train", args.data, "--model", "forest",
                    "--param", "n_estimators=20", "--param", "max_depth=6",
                    "--out", os.path.join(models, "popularity.hsm")], check=True)
    batch = os.path.join(work, "batch.csv")
    with open(batch, "w") as f:
        f.write("track_id," + ",".join(FEATURES) + "\n")
        for row in range(25):
            f.write(f"t{row},{row / 25:.3f},0.8,5,-5.5,1,0.05,0.1,0,0.12,0.5,120,210000\n")

    serve_port = free_port()
    server = subprocess.Popen([args.hitscope, "serve", "--models", models, "--port",
                               str(serve_port)], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, "serve.log"), "w"))
    failures = []
    profile_dir = tempfile.mkdtemp(prefix="hitscope-chromium-")
    port = free_port()
    driver_process = subprocess.Popen(["chromedriver", f"--port={port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = Driver(port)
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{serve_port}/health", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("hitscope serve did not start")
                time.sleep(0.1)
        driver.wait_ready()
        driver.start(profile_dir, window_size="1400,1200")
        driver.call("POST", driver.s("/url"), {"url": f"http://127.0.0.1:{serve_port}/"})

        # 1. The page loads the model and predicts the typical track at once.
        driver.wait_state(["predicted", "error"])
        deadline = time.time() + 10
        while time.time() < deadline and driver.run(INSPECT)["chart"] != "1":
            time.sleep(0.1)
        page = driver.run(INSPECT)
        if [s["name"] for s in page["sliders"]] != FEATURES:
            failures.append(f"sliders: {page['sliders']}")
        ranges = {s["name"]: (s["min"], s["max"]) for s in page["sliders"]}
        if ranges.get("danceability") != (0, 1) or ranges.get("key") != (-1, 11):
            failures.append(f"slider ranges are not the API's: {ranges}")
        if page["klass"] not in ("low", "medium", "high"):
            failures.append(f"no predicted class: {page['klass']!r}")
        if [b["name"] for b in page["bars"]] != ["low", "medium", "high"]:
            failures.append(f"probability bars: {page['bars']}")
        if [b["name"] for b in page["bars"] if b["chosen"]] != [page["klass"]]:
            failures.append(f"the chosen bar is not the class: {page['bars']}")
        if page["chart"] != "1" or page["painted"] < 50:
            failures.append(f"contribution chart not drawn: {page['chart']}, {page['painted']}")
        if "TreeSHAP" not in page["method"]:
            failures.append(f"contribution method: {page['method']!r}")

        # 2. Filling the form: moving sliders predicts again (the answer follows the inputs).
        before = [b["value"] for b in page["bars"]]
        for name, value in [("danceability", "0.95"), ("energy", "0.2"), ("acousticness", "0.9"),
                            ("instrumentalness", "0.8"), ("loudness", "-25")]:
            set_slider(driver, name, value)
        time.sleep(0.4)
        driver.click("#predict")
        driver.wait_state(["predicted", "error"])
        time.sleep(0.2)
        page = driver.run(INSPECT)
        if page["state"] != "predicted" or page["error"]:
            failures.append(f"prediction after filling the form failed: {page['error']}")
        if [b["value"] for b in page["bars"]] == before:
            failures.append("the probabilities did not change when the features did")

        # 3. A value out of range: the API's error names the field and the page marks it.
        set_number(driver, "danceability", "1.5")
        driver.wait_state(["error"])
        page = driver.run(INSPECT)
        if "track.danceability" not in page["error"] or "danceability" not in page["invalid"]:
            failures.append(f"bad value not reported: {page['error']!r} {page['invalid']}")
        set_number(driver, "danceability", "0.8")
        driver.wait_state(["predicted"])

        # 4. CSV upload for batch scoring.
        path = os.path.abspath(batch)
        driver.call("POST", driver.s(f"/element/{driver.find('#csv-file')}/value"),
                    {"text": path, "value": list(path)})
        driver.click("#csv-score")
        driver.wait_state(["scored", "error"])
        page = driver.run(INSPECT)
        if page["csvRows"] != 26 or "25 tracks" not in page["csvSummary"]:
            failures.append(f"CSV scoring: {page['csvRows']} rows, {page['csvSummary']!r}, "
                            f"{page['error']!r}")

        if page["errors"]:
            failures.append(f"page errors: {page['errors']}")
        logs = driver.call("POST", driver.s("/se/log"), {"type": "browser"})
        # The out-of-range request in step 3 is answered 422 on purpose, and this script's own
        # pixel reads draw a performance hint; Chromium logs both.
        severe = [e for e in logs if e.get("level") in ("SEVERE", "WARNING")
                  and "422" not in e.get("message", "")
                  and "willReadFrequently" not in e.get("message", "")]
        if severe:
            failures.append(f"console errors: {severe}")
        driver.run("window.scrollTo(0, 0)")
        height = int(driver.run("return document.documentElement.scrollHeight"))
        driver.call("POST", driver.s("/goog/cdp/execute"), {
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": {"width": 1400, "height": min(height, 4000), "deviceScaleFactor": 1,
                       "mobile": False}})
        shot = driver.call("GET", driver.s("/screenshot"))
        with open(os.path.join(args.out_dir, "serve_page.png"), "wb") as f:
            f.write(base64.b64decode(shot))
    except Exception as error:  # noqa: BLE001 - any failure of the run is a test failure
        failures.append(f"{type(error).__name__}: {error}")
    finally:
        try:
            if driver.session:
                driver.call("DELETE", f"/session/{driver.session}")
        except OSError:
            pass
        driver_process.terminate()
        driver_process.wait(timeout=10)
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=15)
            if code != 0:
                failures.append(f"hitscope serve exited with {code} on SIGTERM")
        except subprocess.TimeoutExpired:
            server.kill()
            failures.append("hitscope serve did not stop on SIGTERM")
        shutil.rmtree(profile_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        for failure in failures:
            print("FAIL:", failure, file=sys.stderr)
        return 1
    print(f"serve page OK; screenshot {os.path.join(args.out_dir, 'serve_page.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
