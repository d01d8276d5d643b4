#!/usr/bin/python3
"""scikit-learn's side of the clustering benchmark (bench/cluster/run.py): the same rows, scaling
and task as bench/cluster/cluster_bench.cpp, timed the same way, printing one JSON line.

  /usr/bin/python3 bench/cluster/sklearn_peer.py FILE kmeans|bisecting|birch|dbscan|silhouette
      [--features a,b,c] [--rows N] [--k K] [--seed S] [--n-init N] [--threshold T]
      [--eps E] [--min-samples M] [--jobs N] [--labels FILE]

Threads: DBSCAN and the silhouette take n_jobs=--jobs; k-means and bisecting k-means use
scikit-learn's OpenMP threads (OMP_NUM_THREADS, set by run.py); BIRCH is single-threaded.
Memory: the resident set before the task, and its peak during the task (reset just before it
through /proc/self/clear_refs, as the hitscope side does), and the lifetime peak.
"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN, Birch, BisectingKMeans, KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler


def status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    return -1.0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("task", choices=["kmeans", "bisecting", "birch", "dbscan", "silhouette"])
    parser.add_argument("--features", default="acousticness,instrumentalness,energy,danceability")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-init", type=int, default=10)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--eps", type=float, default=0.15)
    parser.add_argument("--min-samples", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--labels", default=None)
    args = parser.parse_args()

    features = args.features.split(",")
    frame = pd.read_csv(args.file, usecols=features, nrows=args.rows)
    x = StandardScaler().fit_transform(frame[features].to_numpy(dtype=np.float64))
    del frame

    labels = None
    if args.task == "silhouette":  # the labels to score: k-means, not timed
        labels = KMeans(args.k, n_init=args.n_init, random_state=args.seed).fit(x).labels_
    rss_before = status_mb("VmRSS:")
    peak_reset = reset_peak()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    result = {}
    if args.task == "kmeans":
        model = KMeans(args.k, n_init=args.n_init, random_state=args.seed).fit(x)
        labels = model.labels_
        result = {"inertia": float(model.inertia_), "n_iter": int(model.n_iter_)}
    elif args.task == "bisecting":
        model = BisectingKMeans(args.k, random_state=args.seed).fit(x)
        labels = model.labels_
        result = {"inertia": float(model.inertia_)}
    elif args.task == "birch":
        model = Birch(threshold=args.threshold, n_clusters=args.k).fit(x)
        labels = model.labels_
        result = {"subclusters": int(len(model.subcluster_centers_))}
    elif args.task == "dbscan":
        model = DBSCAN(eps=args.eps, min_samples=args.min_samples, n_jobs=args.jobs).fit(x)
        labels = model.labels_
        result = {"clusters": int(labels.max() + 1), "noise": int((labels == -1).sum()),
                  "core": int(len(model.core_sample_indices_))}
    elif args.task == "silhouette":
        result = {"silhouette": float(silhouette_score(x, labels, n_jobs=args.jobs))}
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak_during = status_mb("VmHWM:") if peak_reset else -1.0
    if args.labels:
        np.savetxt(args.labels, labels, fmt="%d")
    line = {"side": "scikit-learn", "task": args.task, "rows": int(x.shape[0]),
            "seconds": seconds, "cpu_seconds": cpu, "rss_before_mb": rss_before,
            "peak_during_mb": peak_during,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            "threads": args.jobs}
    line.update(result)
    print(json.dumps(line))


if __name__ == "__main__":
    sys.exit(main())
