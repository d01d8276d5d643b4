#!/usr/bin/python3
"""Serving benchmark: `hitscope serve` against a minimal Flask + scikit-learn service with the
same random forest, on loopback, in one run.

  /usr/bin/python3 bench/serve/run.py [--build build/release] [--seconds 10] [--connections 4]
                                      [--rate 1000] [--fixed-seconds 20] [--memory-seconds 60]
                                      [--json FILE]

Model: `hitscope train data/spotify_songs.csv --model forest` (StandardScaler + 100 fully grown
trees, seed 0) against the same pipeline in scikit-learn 1.2.1 (bench/serve/flask_peer.py),
both fitted on the bundled 32,833 tracks at start. Requests: POST /models/popularity/predict
with one track, or a batch of 100 tracks (the first 100 rows of the bundled data), JSON with
features by name; hitscope is asked for no contributions ("contributions": 0) so both sides do
the same work (a row with SHAP is measured too). Both sides have request logging off.

Measured:
  1. wrk (Debian 4.1, closed loop: --connections connections, 1 thread, --seconds s) on each side
     and workload: requests/s, p50 / p99 latency, errors (socket errors + non-2xx answers).
  2. hitscope_fixed_rate (bench/serve/fixed_rate.cpp, open loop as wrk2, which Debian lacks):
     single tracks at --rate requests/s for --fixed-seconds s; latency counted from when each
     request was due.
  3. Memory: the server's resident memory sampled every second while wrk loads it with single
     tracks for --memory-seconds s.
  4. Agreement: the two services' classes and probabilities for the 100-track batch.
Prints a Markdown table (bench/serve/README.md holds the latest).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"
DATA = os.path.join(ROOT, "data", "spotify_songs.csv")
HERE = os.path.join(ROOT, "bench", "serve")
FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/models/popularity/predict",
                                     data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def wait_healthy(port, process, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server on port {port} did not start")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wrk(port, body_file, seconds, connections):
    process = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
         os.path.join(HERE, "post.lua"), f"http://127.0.0.1:{port}/models/popularity/predict"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ, WRK_BODY=body_file),
        check=True)
    for line in process.stdout.decode().splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            result["errors"] = result["status_errors"] + result["socket_errors"]
            return result
    sys.exit("wrk printed no result:\n" + process.stdout.decode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--fixed-seconds", type=int, default=20)
    parser.add_argument("--memory-seconds", type=int, default=60)
    parser.add_argument("--json")
    args = parser.parse_args()
    hitscope = os.path.join(args.build, "src", "cli", "hitscope")
    fixed_rate = os.path.join(args.build, "bench", "serve", "hitscope_fixed_rate")
    for path in (hitscope, fixed_rate):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: cmake --build {args.build} --target hitscope "
                     "hitscope_fixed_rate")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run scripts/bootstrap (Debian package wrk)")

    work = tempfile.mkdtemp(prefix="hitscope-serve-bench-")
    processes = []
    try:
        models = os.path.join(work, "models")
        os.makedirs(models)
        started = time.time()
        subprocess.run([hitscope, "-q", "train", DATA, "--model", "forest", "--out",
                        os.path.join(models, "popularity.hsm")], check=True)
        print(f"hitscope train: {time.time() - started:.1f} s", file=sys.stderr)

        # The request bodies: one track, and the first 100 rows of the bundled data.
        import csv
        with open(DATA, newline="") as f:
            rows = [r for _, r in zip(range(100), csv.DictReader(f))]
        tracks = [{name: float(r[name]) for name in FEATURES} for r in rows]
        bodies = {
            "single": json.dumps({"track": tracks[0], "contributions": 0}),
            "batch100": json.dumps({"tracks": tracks, "contributions": 0}),
            "single_shap": json.dumps({"track": tracks[0], "contributions": 5}),
        }
        files = {}
        for name, body in bodies.items():
            files[name] = os.path.join(work, name + ".json")
            with open(files[name], "w") as f:
                f.write(body)

        ports = {"hitscope": free_port(), "flask": free_port()}
        hs = subprocess.Popen([hitscope, "serve", "--models", models, "--port",
                               str(ports["hitscope"]), "--no-access-log"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(hs)
        peer = subprocess.Popen([PYTHON, os.path.join(HERE, "flask_peer.py"), "--data", DATA,
                                 "--port", str(ports["flask"])],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(peer)
        wait_healthy(ports["hitscope"], hs)
        wait_healthy(ports["flask"], peer)
        print(f"both servers up: {time.time() - started:.1f} s", file=sys.stderr)

        # Agreement on the batch.
        ours = post(ports["hitscope"], bodies["batch100"])["predictions"]
        theirs = post(ports["flask"], bodies["batch100"])["predictions"]
        same_class = sum(a["class"] == b["class"] for a, b in zip(ours, theirs))
        max_diff = max(abs(a["probabilities"][k] - b["probabilities"][k])
                       for a, b in zip(ours, theirs) for k in a["probabilities"])

        results = {"agreement": {"same_class": same_class, "of": len(ours),
                                 "max_probability_difference": max_diff}}
        for side in ("hitscope", "flask"):
            for workload in ("single", "batch100"):
                post(ports[side], bodies[workload])  # warm
                results[f"{side}/{workload}"] = wrk(ports[side], files[workload], args.seconds,
                                                    args.connections)
                print(f"{side}/{workload}: {results[f'{side}/{workload}']}", file=sys.stderr)
        results["hitscope/single_shap"] = wrk(ports["hitscope"], files["single_shap"],
                                              args.seconds, args.connections)

        fixed = subprocess.run(
            [fixed_rate, "--port", str(ports["hitscope"]), "--path",
             "/models/popularity/predict", "--body", files["single"], "--rate", str(args.rate),
             "--seconds", str(args.fixed_seconds), "--connections", "4"],
            stdout=subprocess.PIPE, check=False)
        results["hitscope/fixed_rate"] = json.loads(fixed.stdout.decode())

        # Memory over a long run.
        samples = []
        load = subprocess.Popen(
            ["wrk", "-t1", f"-c{args.connections}", f"-d{args.memory_seconds}s", "-s",
             os.path.join(HERE, "post.lua"),
             f"http://127.0.0.1:{ports['hitscope']}/models/popularity/predict"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=dict(os.environ, WRK_BODY=files["single"]))
        while load.poll() is None:
            samples.append(rss_mb(hs.pid))
            time.sleep(1)
        output = load.stdout.read().decode()
        long_run = json.loads(next(line[len("RESULT "):] for line in output.splitlines()
                                   if line.startswith("RESULT ")))
        long_run["errors"] = long_run["status_errors"] + long_run["socket_errors"]
        results["memory"] = {"seconds": args.memory_seconds, "samples_mb": samples,
                             "first_mb": samples[1] if len(samples) > 1 else samples[0],
                             "last_mb": samples[-1], "max_mb": max(samples),
                             "requests": long_run["requests"], "errors": long_run["errors"]}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print_table(results, args)
    return 0


def print_table(r, args):
    cores = os.cpu_count()
    print(f"\nLoopback, {cores} cores shared by server and load generator; wrk -t1 "
          f"-c{args.connections} -d{args.seconds}s (closed loop).\n")
    print("| workload | server | requests/s | tracks/s | p50 ms | p99 ms | errors | "
          "hitscope / Flask |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for workload, tracks in (("single", 1), ("batch100", 100)):
        h, f = r[f"hitscope/{workload}"], r[f"flask/{workload}"]
        for side, x in (("hitscope", h), ("Flask + scikit-learn", f)):
            ratio = f"{h['rps'] / f['rps']:.0f}x" if side == "hitscope" else ""
            label = "1 track" if tracks == 1 else "100-track batch"
            print(f"| {label} | {side} | {x['rps']:,.0f} | {x['rps'] * tracks:,.0f} | "
                  f"{x['p50_us'] / 1000:.2f} | {x['p99_us'] / 1000:.2f} | {x['errors']} | "
                  f"{ratio} |")
    s = r["hitscope/single_shap"]
    print(f"| 1 track + TreeSHAP top 5 | hitscope | {s['rps']:,.0f} | {s['rps']:,.0f} | "
          f"{s['p50_us'] / 1000:.2f} | {s['p99_us'] / 1000:.2f} | {s['errors']} | |")
    fx = r["hitscope/fixed_rate"]
    print(f"\nFixed rate (hitscope_fixed_rate, open loop, 4 connections): {fx['rate']} "
          f"requests/s of 1 track for {args.fixed_seconds} s: achieved {fx['achieved_rate']:,.0f}"
          f"/s, p50 {fx['p50_us'] / 1000:.3f} ms, p90 {fx['p90_us'] / 1000:.3f} ms, p99 "
          f"{fx['p99_us'] / 1000:.3f} ms, p99.9 {fx['p999_us'] / 1000:.3f} ms, max "
          f"{fx['max_us'] / 1000:.3f} ms, errors {fx['errors']} of {fx['sent']}.")
    m = r["memory"]
    print(f"\nMemory over {m['seconds']} s of wrk load ({m['requests']:,} requests, "
          f"{m['errors']} errors): resident {m['first_mb']:.1f} MB after 1 s, "
          f"{m['last_mb']:.1f} MB at the end, at most {m['max_mb']:.1f} MB.")
    a = r["agreement"]
    print(f"\nAgreement on the 100-track batch: same class for {a['same_class']} of {a['of']}, "
          f"largest probability difference {a['max_probability_difference']:.3g}.")


if __name__ == "__main__":
    sys.exit(main())
