#!/usr/bin/python3
"""Makes tests/parity/trees_golden.json: scikit-learn 1.2.1's trees, forests, importances and RFE
on small fixed data sets, for tests/trees/trees_parity_test.cpp.

Run with Debian's /usr/bin/python3 (python3-sklearn 1.2.1):
    /usr/bin/python3 tests/parity/trees_make_golden.py
The data sets are drawn here with numpy's RandomState and written into the golden file, so the
C++ test reads exactly the rows scikit-learn saw. The bundled-data case reads
data/spotify_songs.csv and records the test rows of its fixed split.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_selection import RFE
from sklearn.inspection import permutation_importance
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))

FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]
# Popularity classes of the parity cases: low <= 33 < medium <= 66 < high.
EDGES = [33, 66]


def tree_record(tree):
    t = tree.tree_
    return {
        "left": t.children_left.tolist(),
        "right": t.children_right.tolist(),
        "feature": t.feature.tolist(),
        "threshold": t.threshold.tolist(),
        "impurity": t.impurity.tolist(),
        "n_node_samples": t.n_node_samples.tolist(),
        "weighted_n_node_samples": t.weighted_n_node_samples.tolist(),
        "value": t.value[:, 0, :].ravel().tolist(),
        "max_depth": int(t.max_depth),
    }


def classification_data(seed, rows, features, classes, decimals=None):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(rows, features))
    if decimals is not None:
        x = np.round(x, decimals)
    score = x[:, 0] + 0.8 * x[:, 1] * x[:, 2] - 0.5 * x[:, 3] + rng.normal(scale=0.7, size=rows)
    cuts = np.quantile(score, np.linspace(0, 1, classes + 1)[1:-1])
    y = np.searchsorted(cuts, score)
    return x, y


def regression_data(seed, rows, features):
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(rows, features))
    y = np.clip(np.round(50 + 15 * x[:, 0] - 10 * x[:, 1] ** 2 + 8 * x[:, 2] * x[:, 3]
                         + rng.normal(scale=6, size=rows)), 0, 100)
    return x, y


cases = []


def tree_case(name, x, y, params, regression=False, sample_weight=None):
    model = (DecisionTreeRegressor if regression else DecisionTreeClassifier)(**params)
    model.fit(x, y, sample_weight=sample_weight)
    case = {
        "name": name,
        "kind": "regressor" if regression else "classifier",
        "params": params,
        "x": x.tolist(),
        "y": y.tolist(),
        "tree": tree_record(model),
        "importances": model.feature_importances_.tolist(),
    }
    if sample_weight is not None:
        case["sample_weight"] = sample_weight.tolist()
    cases.append(case)
    return model


x, y = classification_data(0, 200, 5, 3)
tree_case("gini_default", x, y, {"random_state": 0})
tree_case("entropy_depth4_leaf3", x, y,
          {"criterion": "entropy", "max_depth": 4, "min_samples_leaf": 3, "random_state": 0})
tree_case("max_features_2_seed7", x, y, {"max_features": 2, "random_state": 7})
tree_case("balanced_split10", x, y,
          {"class_weight": "balanced", "min_samples_split": 10, "random_state": 3})
tree_case("min_weight_fraction", x, y,
          {"min_weight_fraction_leaf": 0.05, "min_impurity_decrease": 0.002, "random_state": 1})
weights = np.random.RandomState(5).randint(0, 4, size=len(y)).astype(float)
tree_case("integer_sample_weight", x, y, {"random_state": 2}, sample_weight=weights)
# Values rounded to one decimal: many ties between thresholds and between features, so the
# random feature order and first-best rule decide.
xt, yt = classification_data(1, 300, 6, 3, decimals=1)
tree_case("ties_sqrt_seed11", xt, yt, {"max_features": "sqrt", "random_state": 11})
tree_case("ties_all_seed4", xt, yt, {"random_state": 4})
xr, yr = regression_data(2, 250, 5)
tree_case("regression_default", xr, yr, {"random_state": 0}, regression=True)
tree_case("regression_depth5_leaf4", xr, yr,
          {"max_depth": 5, "min_samples_leaf": 4, "max_features": 3, "random_state": 9},
          regression=True)

# Forest, tree for tree, with out-of-bag scores and probabilities on held-out rows.
xf, yf = classification_data(3, 600, 6, 3)
x_train, y_train, x_test, y_test = xf[:450], yf[:450], xf[450:], yf[450:]
forests = []
for name, params in [
    ("forest_default", {"n_estimators": 12, "random_state": 0, "oob_score": True}),
    ("forest_balanced_subsample", {"n_estimators": 8, "random_state": 5,
                                   "class_weight": "balanced_subsample", "max_depth": 6}),
    ("forest_max_samples", {"n_estimators": 6, "random_state": 2, "max_samples": 200,
                            "criterion": "entropy", "min_samples_leaf": 2}),
]:
    forest = RandomForestClassifier(**params).fit(x_train, y_train)
    record = {
        "name": name,
        "params": params,
        "trees": [tree_record(tree) for tree in forest.estimators_],
        "proba": forest.predict_proba(x_test).tolist(),
        "importances": forest.feature_importances_.tolist(),
    }
    if params.get("oob_score"):
        record["oob_score"] = forest.oob_score_
        record["oob_decision"] = forest.oob_decision_function_.tolist()
    forests.append(record)

xrf, yrf = regression_data(4, 300, 4)
regression_forest = RandomForestRegressor(n_estimators=5, random_state=3, oob_score=True)
regression_forest.fit(xrf, yrf)
forests.append({
    "name": "forest_regressor",
    "params": {"n_estimators": 5, "random_state": 3, "oob_score": True},
    "x": xrf.tolist(),
    "y": yrf.tolist(),
    "trees": [tree_record(tree) for tree in regression_forest.estimators_],
    "prediction": regression_forest.predict(xrf[:50]).tolist(),
    "oob_score": regression_forest.oob_score_,
})

# Permutation importance of the default tree on the held-out rows: the same permutations.
perm_tree = DecisionTreeClassifier(random_state=0).fit(x_train, y_train)
perm = permutation_importance(perm_tree, x_test, y_test, n_repeats=5, random_state=42)
permutation = {
    "n_repeats": 5,
    "random_state": 42,
    "baseline": float(perm_tree.score(x_test, y_test)),
    "importances": perm.importances.tolist(),
    "mean": perm.importances_mean.tolist(),
    "std": perm.importances_std.tolist(),
}

# RFE with the tree's impurity importances.
rfe_cases = []
for n_select, step in [(2, 1), (3, 2), (1, 1)]:
    rfe = RFE(DecisionTreeClassifier(random_state=0), n_features_to_select=n_select, step=step)
    rfe.fit(x_train, y_train)
    rfe_cases.append({"n_features_to_select": n_select, "step": step,
                      "support": rfe.support_.tolist(), "ranking": rfe.ranking_.tolist()})

# The bundled data set: a forest on a fixed 80/20 split.
songs = pd.read_csv(os.path.join(root, "data", "spotify_songs.csv"))
xs = songs[FEATURES].to_numpy(dtype=float)
ys = np.searchsorted(EDGES, songs["track_popularity"].to_numpy(), side="left")
order = np.random.RandomState(0).permutation(len(ys))
test_rows = np.sort(order[: len(ys) // 5])
train_mask = np.ones(len(ys), dtype=bool)
train_mask[test_rows] = False
bundled_forest = RandomForestClassifier(n_estimators=20, random_state=0, n_jobs=2)
bundled_forest.fit(xs[train_mask], ys[train_mask])
bundled_proba = bundled_forest.predict_proba(xs[test_rows])
bundled_tree = DecisionTreeClassifier(max_depth=8, random_state=0).fit(xs[train_mask],
                                                                      ys[train_mask])
bundled = {
    "features": FEATURES,
    "edges": EDGES,
    "test_rows": test_rows.tolist(),
    "forest_params": {"n_estimators": 20, "random_state": 0},
    "forest_accuracy": float((bundled_proba.argmax(axis=1) == ys[test_rows]).mean()),
    "forest_proba_head": bundled_proba[:200].tolist(),
    "forest_importances": bundled_forest.feature_importances_.tolist(),
    "tree_params": {"max_depth": 8, "random_state": 0},
    "tree": tree_record(bundled_tree),
    "tree_accuracy": float(bundled_tree.score(xs[test_rows], ys[test_rows])),
}

golden = {
    "sklearn": sklearn.__version__,
    "cases": cases,
    "forest_data": {"x_train": x_train.tolist(), "y_train": y_train.tolist(),
                    "x_test": x_test.tolist(), "y_test": y_test.tolist()},
    "forests": forests,
    "permutation": permutation,
    "rfe": rfe_cases,
    "bundled": bundled,
}
out = os.path.join(here, "trees_golden.json")
with open(out, "w") as f:
    json.dump(golden, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {out} with scikit-learn {sklearn.__version__}", file=sys.stderr)
