#!/usr/bin/python3
"""Makes tests/parity/supervised_golden.json: what scikit-learn 1.2.1 and imbalanced-learn 0.10
answer on the first rows of the bundled dataset, for tests/supervised/supervised_parity_test.cpp.

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-imblearn):
    /usr/bin/python3 tests/parity/supervised_make_golden.py

Data: the first 3000 rows of data/spotify_songs.csv, the twelve audio features, popularity
classes cut at the lower tertiles of those rows; training rows 0..2399, test rows 2400..2999.
Everything the C++ test needs to recompute is in the file; the C++ side reads the same CSV.
"""
import json
import os
import sys

import imblearn
import numpy as np
import pandas as pd
import sklearn
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import TomekLinks
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, classification_report,
                             confusion_matrix, log_loss, mean_absolute_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]
ROWS, TRAIN = 3000, 2400
TRANSFORMED = 100  # test rows whose scaled values are stored


def floats(array):
    return [float(v) for v in np.asarray(array, dtype=np.float64).ravel()]


def ints(array):
    return [int(v) for v in np.asarray(array).ravel()]


def main():
    df = pd.read_csv(os.path.join(ROOT, "data", "spotify_songs.csv")).head(ROWS)
    # Row-major, as hitscope's Matrix: numpy sums a C-ordered array's columns row by row, a
    # column-major one (what DataFrame.to_numpy() usually gives) pairwise, which differs in the
    # last bit; scikit-learn's answer depends on the layout it is given.
    X = np.ascontiguousarray(df[FEATURES].to_numpy(dtype=np.float64))
    popularity = df["track_popularity"].to_numpy(dtype=np.float64)
    edges = np.quantile(popularity, [1 / 3, 2 / 3], method="lower")
    y = np.searchsorted(edges, popularity, side="left")
    X_train, X_test, y_train, y_test = X[:TRAIN], X[TRAIN:], y[:TRAIN], y[TRAIN:]
    golden = {"sklearn": sklearn.__version__, "imblearn": imblearn.__version__,
              "rows": ROWS, "train": TRAIN, "features": FEATURES,
              "class_edges": floats(edges), "y": ints(y)}

    # Scalers: fitted statistics and transformed rows, equal to the last bit.
    standard = StandardScaler().fit(X_train)
    minmax = MinMaxScaler().fit(X_train)
    robust = RobustScaler().fit(X_train)
    one_column = StandardScaler().fit(np.ascontiguousarray(X_train[:, [3]]))  # pairwise sum
    golden["scalers"] = {
        "standard": {"mean": floats(standard.mean_), "var": floats(standard.var_),
                     "scale": floats(standard.scale_),
                     "test_transform": floats(standard.transform(X_test[:TRANSFORMED]))},
        "minmax": {"data_min": floats(minmax.data_min_), "data_max": floats(minmax.data_max_),
                   "scale": floats(minmax.scale_), "offset": floats(minmax.min_),
                   "test_transform": floats(minmax.transform(X_test[:TRANSFORMED]))},
        "robust": {"center": floats(robust.center_), "scale": floats(robust.scale_),
                   "test_transform": floats(robust.transform(X_test[:TRANSFORMED]))},
        "standard_one_column": {"mean": floats(one_column.mean_), "var": floats(one_column.var_)},
    }
    Xs_train = standard.transform(X_train)
    Xs_test = standard.transform(X_test)

    # Neighbours (kd-tree, leaf size 30), on the scaled data and on a coarse grid full of ties.
    coarse_train = np.round(Xs_train, 0)
    coarse_test = np.round(Xs_test, 0)
    neighbours = {}
    for name, (train, test) in {"scaled": (Xs_train, Xs_test),
                                "coarse": (coarse_train, coarse_test)}.items():
        nn = NearestNeighbors(n_neighbors=5, algorithm="kd_tree").fit(train)
        distances, indices = nn.kneighbors(test)
        neighbours[name] = {"indices": ints(indices), "distances": floats(distances)}
    golden["neighbours"] = neighbours

    # KNN classifier and regressor predictions.
    knn = {}
    for weights in ["uniform", "distance"]:
        for name, (train, test) in {"scaled": (Xs_train, Xs_test),
                                    "coarse": (coarse_train, coarse_test)}.items():
            model = KNeighborsClassifier(n_neighbors=5, weights=weights).fit(train, y_train)
            regressor = KNeighborsRegressor(n_neighbors=5, weights=weights).fit(
                train, popularity[:TRAIN])
            knn[f"{name}_{weights}"] = {
                "predict": ints(model.predict(test)),
                "proba": floats(model.predict_proba(test)),
                "regress": floats(regressor.predict(test)),
            }
    golden["knn"] = knn

    # Resampling: counts, SMOTE's neighbour lists, Tomek links.
    ros = RandomOverSampler(random_state=0)
    ros.fit_resample(Xs_train, y_train)
    smote = SMOTE(random_state=0)
    X_smote, y_smote = smote.fit_resample(Xs_train, y_train)
    smote_neighbours = {}
    for label in np.unique(y_train):
        members = Xs_train[y_train == label]
        nn = NearestNeighbors(n_neighbors=6).fit(members)
        smote_neighbours[str(int(label))] = ints(nn.kneighbors(members, return_distance=False)[:, 1:])
    tomek_auto = TomekLinks()
    tomek_auto.fit_resample(coarse_train, y_train)
    tomek_all = TomekLinks(sampling_strategy="all")
    tomek_all.fit_resample(coarse_train, y_train)
    tomek_scaled = TomekLinks(sampling_strategy="all")
    tomek_scaled.fit_resample(Xs_train, y_train)
    golden["resample"] = {
        "ros_counts": ints(np.bincount(y_train[ros.sample_indices_])),
        "smote_counts": ints(np.bincount(y_smote)),
        "smote_rows": int(len(X_smote)),
        "smote_neighbours": smote_neighbours,
        "tomek_auto_kept": ints(tomek_auto.sample_indices_),
        "tomek_all_kept": ints(tomek_all.sample_indices_),
        "tomek_scaled_all_kept": ints(tomek_scaled.sample_indices_),
    }

    # Logistic regression: the optimum (newton-cg, tight) and the default lbfgs predictions.
    logistic = {}
    binary = y_train == 2
    for name, (target, C, class_weight) in {
            "multinomial": (y_train, 1.0, None),
            "multinomial_c0.1_balanced": (y_train, 0.1, "balanced"),
            "binary": (binary.astype(int), 1.0, None)}.items():
        tight = LogisticRegression(C=C, class_weight=class_weight, solver="newton-cg",
                                   tol=1e-8, max_iter=1000).fit(Xs_train, target)
        default = LogisticRegression(C=C, class_weight=class_weight).fit(Xs_train, target)
        logistic[name] = {"coef": floats(tight.coef_), "intercept": floats(tight.intercept_),
                          "C": C, "balanced": class_weight == "balanced",
                          "predict": ints(default.predict(Xs_test)),
                          "proba": floats(tight.predict_proba(Xs_test))}
    golden["logistic"] = logistic

    ridge = Ridge(alpha=1.0).fit(Xs_train, popularity[:TRAIN])
    golden["ridge"] = {"coef": floats(ridge.coef_), "intercept": float(ridge.intercept_)}

    # Metrics on the KNN predictions and the tight logistic probabilities.
    predicted = np.array(golden["knn"]["scaled_uniform"]["predict"])
    proba = np.array(golden["logistic"]["multinomial"]["proba"]).reshape(-1, 3)
    p, r, f, s = precision_recall_fscore_support(y_test, predicted, labels=[0, 1, 2])
    regression = np.array(golden["knn"]["scaled_uniform"]["regress"])
    golden["metrics"] = {
        "accuracy": accuracy_score(y_test, predicted),
        "balanced_accuracy": balanced_accuracy_score(y_test, predicted),
        "precision": floats(p), "recall": floats(r), "f1": floats(f), "support": ints(s),
        "macro": floats(precision_recall_fscore_support(y_test, predicted, average="macro")[:3]),
        "weighted": floats(
            precision_recall_fscore_support(y_test, predicted, average="weighted")[:3]),
        "confusion": ints(confusion_matrix(y_test, predicted, labels=[0, 1, 2])),
        "report": classification_report(y_test, predicted,
                                        target_names=["low", "medium", "high"]),
        "report_digits4": classification_report(y_test, predicted,
                                                target_names=["low", "medium", "high"], digits=4),
        "roc_auc_ovr": roc_auc_score(y_test, proba, multi_class="ovr"),
        "roc_auc_binary": roc_auc_score(y_test == 2, proba[:, 2]),
        "log_loss": log_loss(y_test, proba, labels=[0, 1, 2]),
        "mae": mean_absolute_error(popularity[TRAIN:], regression),
        "rmse": mean_squared_error(popularity[TRAIN:], regression, squared=False),
        "r2": r2_score(popularity[TRAIN:], regression),
    }

    # Splits: StratifiedKFold's fold of every row (no shuffle), GroupKFold by artist.
    folds = np.empty(ROWS, dtype=int)
    for fold, (_, test) in enumerate(StratifiedKFold(5).split(X, y)):
        folds[test] = fold
    folds_shifted = np.empty(ROWS, dtype=int)
    y_shifted = (y + (np.arange(ROWS) % 7 == 0)) % 3  # another label pattern
    for fold, (_, test) in enumerate(StratifiedKFold(7).split(X, y_shifted)):
        folds_shifted[test] = fold
    golden["splits"] = {"stratified5": ints(folds), "y_shifted": ints(y_shifted),
                        "stratified7_shifted": ints(folds_shifted)}

    selector = SelectKBest(f_classif, k=5).fit(X_train, y_train)
    golden["select_k_best"] = {"scores": floats(selector.scores_),
                               "selected": ints(np.flatnonzero(selector.get_support()))}

    out = os.path.join(HERE, "supervised_golden.json")
    with open(out, "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print(f"wrote {out} with scikit-learn {sklearn.__version__}, imbalanced-learn "
          f"{imblearn.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
