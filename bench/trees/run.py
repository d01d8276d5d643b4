#!/usr/bin/python3
"""Trees benchmark: hitscope against scikit-learn 1.2.1 (and XGBoost 1.7) on the 490k-row
track table, in one run.

  /usr/bin/python3 bench/trees/run.py [--build build/release] [--threads 2] [--repeat 1]
                                      [--only tree,forest,...]

Data: bench/data/tracks_490k.csv (bench/make_data.sh 490k): 12 audio features, popularity classes
low <= 33 < medium <= 66 < high, rows with a missing feature dropped, an 80/20 split drawn by
numpy's RandomState(0).permutation on both sides (the same rows).

Workloads (each side in its own process, --threads / n_jobs threads):
  tree         DecisionTreeClassifier(max_depth=50, random_state=0): fit, then test accuracy
  forest       RandomForestClassifier(n_estimators=100, random_state=0): fit, test accuracy
  permutation  permutation_importance of the depth-50 tree on the test rows (n_repeats=5)
  xgboost_hist XGBClassifier(n_estimators=100, max_depth=6, tree_method="hist"): the Python
               package against hitscope's C API wrapper (the same library: a reference)
and hitscope only: tree_hist / forest_hist (the histogram splitter, 255 bins).
Reported: wall seconds of the workload (data loading excluded), CPU seconds, test accuracy,
peak resident memory of the whole process (getrusage in the process itself). The best of --repeat runs per side.
Prints a Markdown table; with --json FILE also writes the raw results.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"
DATA = os.path.join(ROOT, "bench", "data", "tracks_490k.csv")
PEER = os.path.join(ROOT, "bench", "trees", "sklearn_peer.py")


def run(command):
    """Runs a command that prints one JSON line (with its own peak_mb); returns the line."""
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.decode()}")
    return json.loads(process.stdout.decode().strip().splitlines()[-1])


def best(command, repeat):
    runs = [run(command) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def find_binary(build):
    for relative in ["bench/trees/hitscope_trees_bench"]:
        path = os.path.join(ROOT, build, relative)
        if os.path.exists(path):
            return path
    sys.exit(f"no hitscope_trees_bench under {build}; build the target hitscope_trees_bench")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", default="tree,forest,permutation,xgboost_hist,tree_hist,forest_hist")
    parser.add_argument("--json")
    args = parser.parse_args()
    if not os.path.exists(DATA):
        subprocess.run([os.path.join(ROOT, "bench", "make_data.sh"), "490k"], check=True)
    ours_binary = find_binary(args.build)
    wanted = args.only.split(",")
    peers = {"tree": "tree", "forest": "forest", "permutation": "permutation",
             "xgboost_hist": "xgboost_hist"}
    results = []
    for workload in wanted:
        ours = best([ours_binary, DATA, workload, "--threads", str(args.threads)], args.repeat)
        theirs = None
        if workload in peers:
            theirs = best([PYTHON, PEER, DATA, peers[workload], "--jobs", str(args.threads)],
                          args.repeat)
        results.append({"workload": workload, "hitscope": ours, "peer": theirs})
        print(f"done {workload}", file=sys.stderr)

    print(f"| workload | hitscope s (cpu s) | peer s (cpu s) | speed-up | accuracy hitscope / peer "
          f"| peak MB hitscope / peer |")
    print("|---|---|---|---|---|---|")
    for r in results:
        o, t = r["hitscope"], r["peer"]
        if t is None:
            print(f"| {r['workload']} | {o['seconds']:.2f} ({o['cpu_seconds']:.1f}) | - | - | "
                  f"{o['accuracy']:.4f} / - | {o['peak_mb']:.0f} / - |")
            continue
        print(f"| {r['workload']} | {o['seconds']:.2f} ({o['cpu_seconds']:.1f}) | "
              f"{t['seconds']:.2f} ({t['cpu_seconds']:.1f}) | {t['seconds'] / o['seconds']:.1f}x | "
              f"{o['accuracy']:.4f} / {t['accuracy']:.4f} | {o['peak_mb']:.0f} / {t['peak_mb']:.0f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load_average": os.getloadavg(), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
