#!/usr/bin/python3
"""The workloads of bench/supervised/supervised_bench.cpp in scikit-learn 1.2.1 /
imbalanced-learn 0.10 (Debian packages), with the same data preparation:

    /usr/bin/python3 bench/supervised/peer.py TABLE.csv [knn smote smote_tomek logreg_cv]

Prints one line per workload: "name seconds detail". Peers run with two workers where they
offer them: KNeighborsClassifier(n_jobs=2), NearestNeighbors(n_jobs=2) inside SMOTE and Tomek
links, and cross_val_score(n_jobs=2) (OpenBLAS then runs one thread per fold).
"""
import sys
import time

import numpy as np
import pandas as pd
from imblearn.combine import SMOTETomek
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import TomekLinks
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]


def main():
    path = sys.argv[1]
    workloads = sys.argv[2:] or ["knn", "smote", "smote_tomek", "logreg_cv"]
    df = pd.read_csv(path, usecols=FEATURES + ["popularity"]).dropna()
    X = df[FEATURES].to_numpy(dtype=np.float64)
    popularity = df["popularity"].to_numpy()
    # hitscope's default classes: quantile:3 with numpy's "lower" quantiles, class i <= edge i.
    edges = np.quantile(popularity, [1 / 3, 2 / 3], method="lower")
    y = np.searchsorted(edges, popularity, side="left")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train)
    X_test = scaler.transform(X_test)
    for workload in workloads:
        start = time.perf_counter()
        if workload == "knn":
            model = KNeighborsClassifier(n_neighbors=3, n_jobs=2).fit(X_train, y_train)
            predicted = model.predict(X_test)
            seconds = time.perf_counter() - start
            print(f"knn {seconds:.3f} accuracy={(predicted == y_test).mean():.6f} "
                  f"train={len(X_train)} test={len(X_test)}", flush=True)
        elif workload in ("smote", "smote_tomek"):
            smote = SMOTE(k_neighbors=NearestNeighbors(n_neighbors=6, n_jobs=2), random_state=0)
            if workload == "smote":
                sampler = smote
            else:
                sampler = SMOTETomek(smote=smote,
                                     tomek=TomekLinks(sampling_strategy="all", n_jobs=2))
            X_out, y_out = sampler.fit_resample(X_train, y_train)
            seconds = time.perf_counter() - start
            counts = "/".join(str(c) for c in np.bincount(y_out))
            print(f"{workload} {seconds:.3f} rows={len(X_out)} classes={counts}", flush=True)
        elif workload == "logreg_cv":
            pipeline = make_pipeline(StandardScaler(), LogisticRegression())
            scores = cross_val_score(pipeline, X, y, cv=StratifiedKFold(5), n_jobs=2)
            seconds = time.perf_counter() - start
            print(f"logreg_cv {seconds:.3f} accuracy={scores.mean():.4f}", flush=True)
        else:
            sys.exit(f"unknown workload {workload}")


if __name__ == "__main__":
    main()
