#!/usr/bin/python3
"""Clustering benchmark: hitscope against scikit-learn 1.2.1 on the 490k-row track table, in
one run.

  /usr/bin/python3 bench/cluster/run.py [--build build/release] [--threads 2] [--repeat 1]
                                        [--only kmeans,dbscan,...] [--json FILE]

Data: bench/data/tracks_490k.csv (bench/make_data.sh 490k), four audio features
(acousticness, instrumentalness, energy, danceability), standard-scaled on both sides
(sklearn's StandardScaler; hitscope's equals it bit for bit).

Tasks (each side in its own process, --threads threads: OMP_NUM_THREADS and n_jobs for
scikit-learn, --threads for hitscope):
  kmeans      KMeans(n_clusters=3, n_init=10, random_state=0)
  bisecting   BisectingKMeans(n_clusters=3, random_state=0)
  birch       Birch(threshold=0.5, n_clusters=3)
  dbscan      DBSCAN(eps=0.2, min_samples=200): two clusters (about 31 % and 17 % of the rows,
              instrumental and vocal tracks) and half the rows as noise
  silhouette  silhouette_score on the first 50,000 rows, labels from KMeans(3) on those rows
Reported: wall seconds of the task alone (loading and scaling excluded) and the ratio; peak
resident memory during the task (the peak is reset just before it) and its ratio, with the
lifetime peak of each process; and whether the results are equal: the same labels up to a
renumbering (DBSCAN: exactly, noise included), inertia to 1e-6 relative, silhouette to 1e-9.
The best of --repeat runs per side (by time). Prints a Markdown table; --json FILE keeps the
raw lines.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"
DATA = os.path.join(ROOT, "bench", "data", "tracks_490k.csv")
PEER = os.path.join(ROOT, "bench", "cluster", "sklearn_peer.py")

TASKS = {
    "kmeans": ["--k", "3", "--n-init", "10", "--seed", "0"],
    "bisecting": ["--k", "3", "--seed", "0"],
    "birch": ["--k", "3", "--threshold", "0.5"],
    "dbscan": ["--eps", "0.2", "--min-samples", "200"],
    "silhouette": ["--rows", "50000", "--k", "3", "--n-init", "10", "--seed", "0"],
}


def run(command, env=None):
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                             env=env)
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.decode()}")
    return json.loads(process.stdout.decode().strip().splitlines()[-1])


def best(command, repeat, env=None):
    return min((run(command, env) for _ in range(repeat)), key=lambda r: r["seconds"])


def find_binary(build):
    for relative in ["bench/cluster/hitscope_cluster_bench"]:
        path = os.path.join(ROOT, build, relative)
        if os.path.exists(path):
            return path
    sys.exit(f"no hitscope_cluster_bench under {build}; build the target hitscope_cluster_bench")


def canonical(labels):
    mapping, out = {}, []
    for label in labels:
        if label == -1:
            out.append(-1)
        else:
            out.append(mapping.setdefault(label, len(mapping)))
    return out


def read_labels(path):
    with open(path) as f:
        return [int(line) for line in f if line.strip()]


def compare(task, ours, theirs, ours_labels, theirs_labels):
    notes = []
    equal = True
    if ours_labels is not None:
        a, b = read_labels(ours_labels), read_labels(theirs_labels)
        if task == "dbscan":
            differ = sum(1 for x, y in zip(a, b) if x != y)
        else:
            differ = sum(1 for x, y in zip(canonical(a), canonical(b)) if x != y)
        if differ or len(a) != len(b):
            equal = False
            notes.append(f"{differ} of {len(b)} labels differ")
        else:
            notes.append("same labels" + (" (exactly)" if task == "dbscan" else ""))
    if "inertia" in theirs:
        relative = abs(ours["inertia"] - theirs["inertia"]) / abs(theirs["inertia"])
        equal = equal and relative <= 1e-6
        notes.append(f"inertia rel. diff {relative:.1e}")
    if "silhouette" in theirs:
        diff = abs(ours["silhouette"] - theirs["silhouette"])
        equal = equal and diff <= 1e-9
        notes.append(f"silhouette {theirs['silhouette']:.6f}, diff {diff:.1e}")
    for key in ("subclusters", "clusters", "noise"):
        if key in theirs:
            equal = equal and ours[key] == theirs[key]
            notes.append(f"{key} {ours[key]}")
    return ("yes: " if equal else "NO: ") + ", ".join(notes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", default=",".join(TASKS))
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    if not os.path.exists(DATA):
        sys.exit(f"{DATA} is missing: run bench/make_data.sh 490k")
    binary = find_binary(args.build)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               OPENBLAS_NUM_THREADS=str(args.threads))
    rows, raw = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for task in args.only.split(","):
            flags = TASKS[task]
            ours_labels = os.path.join(tmp, f"{task}.hitscope.txt")
            theirs_labels = os.path.join(tmp, f"{task}.sklearn.txt")
            with_labels = task != "silhouette"
            ours = best([binary, DATA, task, "--threads", str(args.threads)] + flags +
                        (["--labels", ours_labels] if with_labels else []), args.repeat)
            theirs = best([PYTHON, PEER, DATA, task, "--jobs", str(args.threads)] + flags +
                          (["--labels", theirs_labels] if with_labels else []),
                          args.repeat, env)
            raw += [ours, theirs]
            verdict = compare(task, ours, theirs, ours_labels if with_labels else None,
                              theirs_labels)
            rows.append(
                f"| {task} | {ours['rows']:,} | {ours['seconds']:.2f} | {theirs['seconds']:.2f} "
                f"| **{theirs['seconds'] / ours['seconds']:.1f}x** "
                f"| {ours['peak_during_mb']:.0f} | {theirs['peak_during_mb']:.0f} "
                f"| **{theirs['peak_during_mb'] / ours['peak_during_mb']:.1f}x** "
                f"| {ours['peak_mb']:.0f} / {theirs['peak_mb']:.0f} | {verdict} |")
            print(rows[-1], file=sys.stderr)
    print(f"Clustering, {args.threads} threads, bench/data/tracks_490k.csv, 4 features scaled "
          f"(python3-sklearn 1.2.1)\n")
    print("| task | rows | hitscope s | scikit-learn s | speed-up | hitscope peak MB (task) "
          "| scikit-learn peak MB (task) | memory ratio | lifetime peak MB (h / s) | same result |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
