#!/usr/bin/python3
"""scikit-learn's (and XGBoost's) side of the trees benchmark: the same table, features, classes,
dropped rows and 80/20 split as bench/trees/trees_bench.cpp. Prints one JSON line per workload.

    /usr/bin/python3 bench/trees/sklearn_peer.py FILE tree|forest|permutation|xgboost_hist
        [--jobs 2] [--trees 100] [--depth 50]
"""
import argparse
import json
import resource
import time

import numpy as np
import pandas as pd

FEATURES = ["acousticness", "danceability", "energy", "instrumentalness", "key", "liveness",
            "loudness", "mode", "speechiness", "tempo", "time_signature", "valence"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("workload")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--depth", type=int, default=50)
    args = parser.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(args.file, usecols=FEATURES + ["popularity"]).dropna(subset=FEATURES)
    x = df[FEATURES].to_numpy(dtype=np.float64)
    p = df["popularity"].to_numpy()
    y = np.where(p <= 33, 0, np.where(p <= 66, 1, 2))
    order = np.random.RandomState(0).permutation(len(y))
    n_test = len(y) // 5
    test, train = order[:n_test], order[n_test:]
    x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
    load_seconds = time.perf_counter() - t0

    extra = {}
    start = time.perf_counter()
    cpu_start = time.process_time()
    if args.workload == "tree":
        from sklearn.tree import DecisionTreeClassifier
        model = DecisionTreeClassifier(max_depth=args.depth, random_state=0).fit(x_train, y_train)
        accuracy = model.score(x_test, y_test)
        extra["nodes"] = int(model.tree_.node_count)
    elif args.workload == "forest":
        from sklearn.ensemble import RandomForestClassifier
        model = RandomForestClassifier(n_estimators=args.trees, random_state=0, n_jobs=args.jobs)
        model.fit(x_train, y_train)
        accuracy = model.score(x_test, y_test)
        extra["nodes"] = int(sum(t.tree_.node_count for t in model.estimators_))
    elif args.workload == "permutation":
        from sklearn.inspection import permutation_importance
        from sklearn.tree import DecisionTreeClassifier
        model = DecisionTreeClassifier(max_depth=args.depth, random_state=0).fit(x_train, y_train)
        start = time.perf_counter()
        cpu_start = time.process_time()
        result = permutation_importance(model, x_test, y_test, n_repeats=5, random_state=0,
                                        n_jobs=args.jobs)
        accuracy = model.score(x_test, y_test)
        extra["top_feature"] = FEATURES[int(np.argmax(result.importances_mean))]
    elif args.workload == "xgboost_hist":
        import xgboost
        model = xgboost.XGBClassifier(n_estimators=args.trees, max_depth=6, tree_method="hist",
                                      n_jobs=args.jobs, random_state=0)
        model.fit(x_train, y_train)
        accuracy = float((model.predict(x_test) == y_test).mean())
    else:
        raise SystemExit(f"unknown workload {args.workload}")
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"workload": args.workload, "seconds": round(seconds, 3),
                      "cpu_seconds": round(cpu_seconds, 3),
                      "load_seconds": round(load_seconds, 3), "accuracy": accuracy,
                      "peak_mb": round(peak_mb, 1), "train_rows": len(train),
                      "test_rows": len(test), **extra}))


if __name__ == "__main__":
    main()
