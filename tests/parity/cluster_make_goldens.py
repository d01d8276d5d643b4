#!/usr/bin/python3
"""Makes tests/parity/cluster_golden.json and tests/parity/cluster_bundled_golden.json:
scikit-learn 1.2.1's answers for k-means, bisecting k-means, BIRCH, DBSCAN and the cluster
quality indices, on small fixed datasets (stored in the golden with every bit) and on the
bundled dataset (data/spotify_songs.csv, four audio features, standard-scaled).

Run with Debian's /usr/bin/python3 (python3-sklearn 1.2.1, numpy 1.24):
    /usr/bin/python3 tests/parity/cluster_make_goldens.py
The C++ tests tests/cluster/cluster_parity_test.cpp and cluster_bundled_parity_test.cpp compare
hitscope with these files.

Labels are compared up to a permutation: each label list is also stored in canonical form
(clusters renumbered in order of first appearance, noise -1 kept) and, for the bundled data,
as a 64-bit FNV-1a checksum of that form.
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import DBSCAN, Birch, BisectingKMeans, KMeans
from sklearn.cluster._kmeans import _kmeans_plusplus
from sklearn.datasets import make_blobs
from sklearn.metrics import (calinski_harabasz_score, davies_bouldin_score,
                             silhouette_samples, silhouette_score)
from sklearn.preprocessing import StandardScaler
from sklearn.utils.extmath import row_norms

warnings.simplefilter("ignore")
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))


def canonical(labels):
    mapping, out = {}, []
    for label in labels:
        label = int(label)
        if label == -1:
            out.append(-1)
            continue
        if label not in mapping:
            mapping[label] = len(mapping)
        out.append(mapping[label])
    return out


def checksum(labels):
    h = 14695981039346656037
    for label in canonical(labels):
        h ^= label + 1
        h = (h * 1099511628211) % (1 << 64)
    return "%016x" % h


def matrix(x):
    return {"rows": int(x.shape[0]), "cols": int(x.shape[1]),
            "values": [float(v) for v in np.asarray(x, dtype=float).ravel()]}


def sizes(labels):
    values, counts = np.unique(labels, return_counts=True)
    return {str(int(v)): int(c) for v, c in zip(values, counts)}


# ---- Small datasets --------------------------------------------------------------------------
rng = np.random.RandomState(20240521)
blobs, _ = make_blobs(n_samples=300, n_features=3, centers=4, cluster_std=1.6, random_state=7)
blobs = blobs + rng.normal(scale=0.05, size=blobs.shape)  # no exact ties
weights = rng.uniform(0.2, 3.0, size=blobs.shape[0])
dense, _ = make_blobs(n_samples=[120, 80, 60], n_features=2, centers=[[0, 0], [4, 0], [2, 3.5]],
                      cluster_std=[0.35, 0.5, 0.6], random_state=3)
dense = np.vstack([dense, rng.uniform(-2, 6, size=(40, 2))])  # scattered noise
dbscan_weights = rng.uniform(0.5, 2.0, size=dense.shape[0])

datasets = {"blobs": blobs, "dense": dense}
golden = {"sklearn": sklearn.__version__, "numpy": np.__version__,
          "datasets": {name: matrix(x) for name, x in datasets.items()},
          "weights": {"blobs": [float(w) for w in weights],
                      "dense": [float(w) for w in dbscan_weights]},
          "kmeans_plusplus": [], "kmeans": [], "bisecting": [], "birch": [], "dbscan": [],
          "indices": []}

# k-means++ starts exactly as KMeans.fit draws them: on the centred data, one RandomState.
for seed, k, n_init in [(0, 4, 3), (42, 6, 2), (7, 1, 1), (3, 9, 1)]:
    x = blobs - blobs.mean(axis=0)
    state = np.random.RandomState(seed)
    starts = []
    for _ in range(n_init):
        _, indices = _kmeans_plusplus(x, k, row_norms(x, squared=True), state)
        starts.append([int(i) for i in indices])
    golden["kmeans_plusplus"].append({"dataset": "blobs", "seed": seed, "k": k,
                                      "n_init": n_init, "indices": starts})


def kmeans_case(name, k, algorithm, init="k-means++", n_init=3, seed=0, weighted=False,
                max_iter=300, tol=1e-4):
    x = blobs
    init_value = init
    if isinstance(init, list):
        init_value = np.asarray(init, dtype=float)
        n_init = 1
    model = KMeans(n_clusters=k, init=init_value, n_init=n_init, random_state=seed,
                   algorithm=algorithm, max_iter=max_iter, tol=tol)
    model.fit(x, sample_weight=weights if weighted else None)
    golden["kmeans"].append({
        "name": name, "dataset": "blobs", "k": k, "algorithm": algorithm,
        "init": init if isinstance(init, str) else "given",
        "initial_centers": init if isinstance(init, list) else None,
        "n_init": n_init, "seed": seed, "weighted": weighted, "max_iter": max_iter, "tol": tol,
        "labels": canonical(model.labels_), "inertia": float(model.inertia_),
        "n_iter": int(model.n_iter_), "centers": matrix(model.cluster_centers_)})


given4 = [list(map(float, blobs[i])) for i in (3, 50, 120, 250)]
kmeans_case("given_lloyd", 4, "lloyd", init=given4)
kmeans_case("given_elkan", 4, "elkan", init=given4)
# One start far from every row: its cluster is empty after the first step and is relocated.
empty_start = given4[:3] + [[100.0, 100.0, 100.0]]
kmeans_case("empty_cluster_lloyd", 4, "lloyd", init=empty_start)
kmeans_case("empty_cluster_elkan", 4, "elkan", init=empty_start)
kmeans_case("plusplus_lloyd", 4, "lloyd", seed=0, n_init=3)
kmeans_case("plusplus_elkan", 5, "elkan", seed=11, n_init=4)
kmeans_case("random_init", 4, "lloyd", init="random", seed=5, n_init=5)
kmeans_case("weighted", 4, "lloyd", seed=3, n_init=2, weighted=True)
kmeans_case("one_iteration", 6, "lloyd", seed=1, n_init=1, max_iter=1)
kmeans_case("single_cluster", 1, "lloyd", seed=0, n_init=1)

for name, k, strategy, init, n_init, seed in [
        ("biggest_inertia", 5, "biggest_inertia", "random", 1, 0),
        ("largest_cluster", 5, "largest_cluster", "random", 1, 4),
        ("plusplus_ninit", 4, "biggest_inertia", "k-means++", 3, 2)]:
    model = BisectingKMeans(n_clusters=k, bisecting_strategy=strategy, init=init, n_init=n_init,
                            random_state=seed).fit(blobs)
    golden["bisecting"].append({
        "name": name, "dataset": "blobs", "k": k, "strategy": strategy, "init": init,
        "n_init": n_init, "seed": seed, "labels": canonical(model.labels_),
        "inertia": float(model.inertia_), "centers": matrix(model.cluster_centers_),
        "predict": [int(v) for v in model.predict(blobs[:20] + 0.3)]})

for name, threshold, branching, n_clusters in [("default", 0.5, 50, 3),
                                               ("small_nodes", 0.6, 4, 4),
                                               ("no_global_step", 1.0, 6, None),
                                               ("too_few_subclusters", 8.0, 50, 30)]:
    model = Birch(threshold=threshold, branching_factor=branching, n_clusters=n_clusters)
    model.fit(blobs)
    golden["birch"].append({
        "name": name, "dataset": "blobs", "threshold": threshold, "branching_factor": branching,
        "n_clusters": n_clusters if n_clusters is not None else 0,
        "labels": canonical(model.labels_),
        "subcluster_centers": matrix(model.subcluster_centers_),
        "subcluster_labels": [int(v) for v in model.subcluster_labels_]})

for name, eps, min_samples, weighted in [("core_border_noise", 0.3, 6, False),
                                         ("wide", 0.8, 4, False),
                                         ("only_self", 0.05, 1, False),
                                         ("all_noise", 0.01, 3, False),
                                         ("weighted", 0.35, 5, True)]:
    model = DBSCAN(eps=eps, min_samples=min_samples)
    model.fit(dense, sample_weight=dbscan_weights if weighted else None)
    golden["dbscan"].append({
        "name": name, "dataset": "dense", "eps": eps, "min_samples": min_samples,
        "weighted": weighted, "labels": [int(v) for v in model.labels_],
        "core_sample_indices": [int(v) for v in model.core_sample_indices_]})

index_cases = [
    ("kmeans4", "blobs", KMeans(4, n_init=3, random_state=0).fit(blobs).labels_),
    ("kmeans7", "blobs", KMeans(7, n_init=3, random_state=1).fit(blobs).labels_),
    ("dbscan_with_noise", "dense", DBSCAN(eps=0.3, min_samples=6).fit(dense).labels_),
]
for name, dataset, labels in index_cases:
    x = datasets[dataset]
    golden["indices"].append({
        "name": name, "dataset": dataset, "labels": [int(v) for v in labels],
        "silhouette": float(silhouette_score(x, labels)),
        "silhouette_samples": [float(v) for v in silhouette_samples(x, labels)],
        "silhouette_sampled": {"sample_size": 100, "seed": 5,
                               "value": float(silhouette_score(x, labels, sample_size=100,
                                                               random_state=5))},
        "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
        "davies_bouldin": float(davies_bouldin_score(x, labels))})

with open(os.path.join(here, "cluster_golden.json"), "w") as f:
    json.dump(golden, f)
    f.write("\n")

# ---- The bundled dataset ---------------------------------------------------------------------
if "--small-only" in sys.argv:
    sys.exit(0)
features = ["acousticness", "instrumentalness", "energy", "danceability"]
df = pd.read_csv(os.path.join(root, "data", "spotify_songs.csv"))
x = StandardScaler().fit_transform(df[features].values)
bundled = {"source": "data/spotify_songs.csv", "features": features, "scaling": "standard",
           "sklearn": sklearn.__version__, "rows": int(x.shape[0]), "cases": []}


def bundled_case(name, model, **extra):
    model.fit(x)
    entry = {"name": name, "labels_checksum": checksum(model.labels_),
             "sizes": sizes(canonical(model.labels_))}
    if hasattr(model, "inertia_"):
        entry["inertia"] = float(model.inertia_)
    entry.update(extra)
    bundled["cases"].append(entry)
    return model


km = bundled_case("kmeans_k4_seed0", KMeans(4, n_init=10, random_state=0), k=4, seed=0,
                  n_init=10)
bundled_case("kmeans_k6_seed3_elkan", KMeans(6, n_init=10, random_state=3, algorithm="elkan"),
             k=6, seed=3, n_init=10)
bundled_case("bisecting_k5", BisectingKMeans(5, random_state=0), k=5, seed=0)
birch = bundled_case("birch_k3", Birch(threshold=0.5, n_clusters=3), k=3, threshold=0.5)
bundled["cases"][-1]["subclusters"] = int(len(birch.subcluster_centers_))
db = bundled_case("dbscan_eps03_ms10", DBSCAN(eps=0.3, min_samples=10), eps=0.3,
                  min_samples=10)
bundled["cases"][-1]["core_samples"] = int(len(db.core_sample_indices_))
labels = km.labels_
bundled["indices"] = {
    "labels_from": "kmeans_k4_seed0",
    "silhouette": float(silhouette_score(x, labels)),
    "silhouette_sampled": {"sample_size": 5000, "seed": 0,
                           "value": float(silhouette_score(x, labels, sample_size=5000,
                                                           random_state=0))},
    "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
    "davies_bouldin": float(davies_bouldin_score(x, labels))}
with open(os.path.join(here, "cluster_bundled_golden.json"), "w") as f:
    json.dump(bundled, f, indent=1)
    f.write("\n")
print(f"wrote cluster goldens with scikit-learn {sklearn.__version__}", file=sys.stderr)
