#!/usr/bin/python3
"""The peer of `hitscope study` for bench/study: the same study, with the default config's
settings, in pandas / scipy / scikit-learn 1.2.1 / imbalanced-learn 0.10 / xgboost 1.7 (Debian
packages, two workers where a library has them). It computes the same steps on samples of the same
sizes and writes their numbers as JSON (no HTML report).

    sklearn_study.py TABLE.csv [--out results.json]

Differences, stated so the comparison is fair:
  - samples are drawn with numpy's generator (same sizes, other rows than hitscope's hash):
    100,000 rows for the models, 40,000 for KNN, 5,000 for the search, 10,000 for the imbalance
    comparison and the leakage demonstration, 100,000 / 20,000 for clustering / DBSCAN;
  - the exploration computes describe(), Pearson and Spearman correlations, histograms, the
    feature-vs-popularity 2-D histograms, year / month / season means with standard errors and
    the Kruskal-Wallis tests, class counts and artist rankings, but no kernel densities
    (scipy's gaussian_kde on every row would dominate the time; hitscope bins them);
  - no SHAP values (Debian 12 has no `shap` package): impurity and permutation importance and RFE
    only. hitscope's TreeSHAP of 100 rows is part of its time.
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
import scipy.stats
from imblearn.combine import SMOTETomek
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline as ImbPipeline
from sklearn.cluster import DBSCAN, Birch, BisectingKMeans, KMeans
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_selection import RFE
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.model_selection import (GroupKFold, KFold, RandomizedSearchCV, StratifiedKFold,
                                     cross_validate, train_test_split)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from xgboost import XGBClassifier

FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]
CLUSTER_FEATURES = ["acousticness", "instrumentalness", "energy", "danceability"]
SEED = 0
JOBS = 2
SCORING = ["accuracy", "balanced_accuracy", "f1_macro", "f1_weighted", "roc_auc_ovr",
           "neg_log_loss"]


def log(message, start):
    print(f"[{time.time() - start:7.1f} s] {message}", file=sys.stderr, flush=True)


def roles(df):
    pick = lambda names: next((n for n in names if n in df.columns), None)
    return {"target": pick(["track_popularity", "popularity"]),
            "artist": pick(["track_artist", "artist_id", "artist"]),
            "date": pick(["track_album_release_date", "release_date"])}


def sample(n, limit, seed):
    if limit <= 0 or n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, limit, replace=False))


def tertile_classes(popularity):
    # hitscope's quantile:3: cut at the lower tertiles, a class holds the values <= its edge.
    edges = np.quantile(popularity, [1 / 3, 2 / 3], method="lower")
    return np.searchsorted(edges, popularity, side="left")


def year_month(dates):
    # Dates are "YYYY-MM-DD", "YYYY-MM" or "YYYY": a year always, a month when present.
    text = dates.astype(str)
    year = pd.to_numeric(text.str[:4], errors="coerce")
    month = pd.to_numeric(text.str[5:7].where(text.str.len() >= 7), errors="coerce")
    return year, month


def explore(df, r):
    pop = df[r["target"]]
    out = {"describe": df.describe().to_dict()}
    cols = FEATURES + [r["target"]]
    out["pearson"] = df[cols].corr("pearson").values.tolist()
    out["spearman"] = df[cols].corr("spearman").values.tolist()
    out["histograms"] = {f: np.histogram(df[f].dropna(), bins=40)[0].tolist() for f in cols}
    for f in FEATURES:
        pair = df[[f, r["target"]]].dropna()
        x = pair[f]
        lo, hi = x.quantile([0.001, 0.999])
        np.histogram2d(x.clip(lo, hi), pair[r["target"]], bins=[30, 20])
        pair.groupby(pd.cut(x.clip(lo, hi), 30), observed=False)[r["target"]].agg(["mean", "sem"])
    year, month = year_month(df[r["date"]])
    season = ((month % 12) // 3).map({0: "winter", 1: "spring", 2: "summer", 3: "autumn"})
    by_year = df.groupby(year)[[r["target"], "duration_ms"]].agg(["mean", "sem", "count"])
    by_month = df.groupby(month)[r["target"]].agg(["mean", "sem", "count"])
    by_season = df.groupby(season)[r["target"]].agg(["mean", "sem", "count"])
    groups = [g.values for _, g in df.groupby(season)[r["target"]]]
    out["kruskal_seasons"] = scipy.stats.kruskal(*groups).pvalue
    groups = [g.values for _, g in df.groupby(month)[r["target"]]]
    out["kruskal_months"] = scipy.stats.kruskal(*groups).pvalue
    out["years"] = len(by_year)
    out["months"] = len(by_month)
    out["seasons"] = len(by_season)
    artists = df.groupby(r["artist"])[r["target"]].agg(["mean", "count"])
    out["top_artists"] = artists.sort_values("count", ascending=False).head(20).index.tolist()
    return out


def cluster(df, start):
    out = {}
    x_all = StandardScaler().fit_transform(df[CLUSTER_FEATURES].dropna().values)

    def indices(x, labels):
        mask = labels >= 0
        if len(set(labels[mask])) < 2:
            return None
        sil = np.mean([silhouette_score(x[mask], labels[mask], sample_size=4000,
                                        random_state=SEED + k) for k in range(3)])
        return [sil, calinski_harabasz_score(x[mask], labels[mask]),
                davies_bouldin_score(x[mask], labels[mask])]

    x = x_all[sample(len(x_all), 100000, SEED)]
    for name, model in [("kmeans", KMeans(4, n_init=4, random_state=SEED)),
                        ("bisecting_kmeans", BisectingKMeans(4, random_state=SEED)),
                        ("birch", Birch(n_clusters=4))]:
        labels = model.fit_predict(x)
        out[name] = indices(x, labels)
        log(f"clustering: {name}", start)
    sweep = []
    for k in range(2, 9):
        labels = KMeans(k, n_init=4, random_state=SEED).fit_predict(x)
        sweep.append(indices(x, labels))
    out["sweep"] = sweep
    xd = x_all[sample(len(x_all), 20000, SEED)]
    out["dbscan"] = indices(xd, DBSCAN(eps=0.5, min_samples=5).fit_predict(xd))
    log("clustering: k sweep and dbscan", start)
    return out


def scores(model, x, y, cv, groups=None):
    t = time.time()
    result = cross_validate(model, x, y, cv=cv, groups=groups, scoring=SCORING, n_jobs=1)
    return {k[5:]: float(np.mean(v)) for k, v in result.items() if k.startswith("test_")} | {
        "seconds": time.time() - t}


def time_split(years):
    order = np.argsort(years, kind="stable")
    cut = years[order[int(len(years) * 0.8)]]
    train, test = np.where(years < cut)[0], np.where(years >= cut)[0]
    return [(train, test)]


def classifiers():
    scaled = lambda model: Pipeline([("scaler", StandardScaler()), ("model", model)])
    return {
        "knn": scaled(KNeighborsClassifier(15)),
        "tree": scaled(DecisionTreeClassifier(max_depth=8, random_state=SEED)),
        "tree_balanced": scaled(DecisionTreeClassifier(max_depth=8, class_weight="balanced",
                                                       random_state=SEED)),
        "forest": scaled(RandomForestClassifier(30, max_depth=12, random_state=SEED,
                                                n_jobs=JOBS)),
        "logreg": scaled(LogisticRegression(max_iter=100)),
        "xgboost": scaled(XGBClassifier(n_estimators=40, max_depth=4, tree_method="hist",
                                        n_jobs=JOBS, random_state=SEED)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("table")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    start = time.time()
    df = pd.read_csv(args.table)
    r = roles(df)
    log("read", start)
    out = {"rows": len(df), "exploration": explore(df, r)}
    log("exploration", start)
    out["clustering"] = cluster(df, start)

    data = df.dropna(subset=FEATURES + [r["target"]]).reset_index(drop=True)
    years = year_month(data[r["date"]])[0]
    data = data[years.notna()].reset_index(drop=True)
    data = data.iloc[sample(len(data), 100000, SEED)].reset_index(drop=True)
    x = data[FEATURES].values
    y = tertile_classes(data[r["target"]].values)
    groups = pd.factorize(data[r["artist"]])[0]
    years = year_month(data[r["date"]])[0].values
    protocols = {"stratified:5": StratifiedKFold(5), "group:artist:3": GroupKFold(3),
                 "time": time_split(years)}
    # KNN's own budget (knn_rows = 40,000), as hitscope's.
    knn = sample(len(x), 40000, SEED + 3)
    knn_protocols = {"stratified:5": StratifiedKFold(5), "group:artist:3": GroupKFold(3),
                     "time": time_split(years[knn])}
    models = {}
    for protocol, cv in protocols.items():
        for name, model in classifiers().items():
            rows = knn if name == "knn" else np.arange(len(x))
            cv_used = knn_protocols[protocol] if name == "knn" else cv
            models[f"{name} {protocol}"] = scores(
                model, x[rows], y[rows], cv_used,
                groups[rows] if protocol.startswith("group") else None)
        log(f"classifiers: {protocol}", start)
    out["classifiers"] = models

    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y,
                                                        random_state=SEED)
    sweep = {}
    kx_train, kx_test, ky_train, ky_test = train_test_split(x[knn], y[knn], test_size=0.2,
                                                            stratify=y[knn], random_state=SEED)
    for k in [1, 5, 15, 45]:
        model = classifiers()["knn"].set_params(model__n_neighbors=k).fit(kx_train, ky_train)
        sweep[k] = [model.score(kx_train, ky_train), model.score(kx_test, ky_test)]
    out["knn_sweep"] = sweep
    small = sample(len(x), 5000, SEED + 1)
    search = RandomizedSearchCV(
        Pipeline([("scaler", StandardScaler()), ("model", KNeighborsClassifier())]),
        {"model__n_neighbors": [1, 3, 5, 7, 9, 11, 15, 21, 31],
         "model__weights": ["uniform", "distance"],
         "scaler": [StandardScaler(), MinMaxScaler(), RobustScaler()]},
        n_iter=5, cv=StratifiedKFold(3), scoring="f1_macro", random_state=SEED, refit=False)
    search.fit(x[small], y[small])
    out["knn_search"] = float(search.best_score_)
    depth = {}
    for d in range(1, 21):
        model = DecisionTreeClassifier(max_depth=d, random_state=SEED).fit(x_train, y_train)
        depth[d] = [model.score(x_train, y_train), model.score(x_test, y_test)]
    out["depth_sweep"] = depth
    log("sweeps and search", start)

    rows = sample(len(x), 10000, SEED + 2)
    xi, yi = x[rows], y[rows]
    resamplers = {"ros": RandomOverSampler(random_state=SEED), "smote": SMOTE(random_state=SEED),
                  "smote_tomek": SMOTETomek(random_state=SEED)}
    imbalance = {}
    for strategy in ["none", "class_weight", "ros", "smote", "smote_tomek"]:
        steps = [("scaler", StandardScaler())]
        if strategy in resamplers:
            steps.append(("resample", resamplers[strategy]))
        steps.append(("model", LogisticRegression(
            class_weight="balanced" if strategy == "class_weight" else None)))
        imbalance[strategy] = scores(ImbPipeline(steps), xi, yi, StratifiedKFold(5))
    for name, scaler in [("minmax", MinMaxScaler()), ("robust", RobustScaler())]:
        imbalance[name] = scores(Pipeline([("scaler", scaler), ("model", LogisticRegression())]),
                                 xi, yi, StratifiedKFold(5))
    out["imbalance"] = imbalance
    log("imbalance strategies and scalers", start)

    # The best classifier refitted on every row (the study's model file).
    best = max((v["f1_macro"], k) for k, v in models.items() if k.endswith("stratified:5"))[1]
    classifiers()[best.split()[0]].fit(x, y)
    log(f"best model: {best}", start)

    # Leakage: fixed bins 20, 60 on a 10,000-row sample, a fully grown tree.
    full = df.dropna(subset=FEATURES + [r["target"]]).reset_index(drop=True)
    full = full.iloc[sample(len(full), 10000, SEED)]
    xl = full[FEATURES].values
    yl = np.searchsorted([20, 60], full[r["target"]].values, side="left")
    leakage = {}
    for name, resampler in resamplers.items():
        honest = scores(ImbPipeline([("scaler", StandardScaler()), ("resample", resampler),
                                     ("model", DecisionTreeClassifier(random_state=SEED))]),
                        xl, yl, StratifiedKFold(5))
        xr, yr = resampler.fit_resample(xl, yl)
        leaky = scores(Pipeline([("scaler", StandardScaler()),
                                 ("model", DecisionTreeClassifier(random_state=SEED))]),
                       xr, yr, StratifiedKFold(5))
        leakage[name] = {"honest": honest["accuracy"], "leaky": leaky["accuracy"]}
        log(f"leakage: {name}", start)
    out["leakage"] = leakage

    forest = classifiers()["forest"].fit(x_train, y_train)
    importance = permutation_importance(forest, x_test, y_test, n_repeats=3, random_state=SEED)
    out["importance"] = {"impurity": forest[-1].feature_importances_.tolist(),
                         "permutation": importance.importances_mean.tolist()}
    rfe = RFE(DecisionTreeClassifier(max_depth=8, random_state=SEED), n_features_to_select=6)
    out["rfe"] = rfe.fit(x_train, y_train).support_.tolist()
    log("importance", start)

    yr = data[r["target"]].values.astype(float)
    out["regression"] = {}
    for name, model in [("ridge", Ridge()),
                        ("forest", RandomForestRegressor(30, max_depth=12, max_features="sqrt",
                                                         random_state=SEED, n_jobs=JOBS))]:
        t = time.time()
        result = cross_validate(Pipeline([("scaler", StandardScaler()), ("model", model)]), x, yr,
                                cv=KFold(5), scoring=["r2", "neg_mean_absolute_error"])
        out["regression"][name] = {"r2": float(np.mean(result["test_r2"])),
                                   "seconds": time.time() - t}
    log("regression", start)
    out["seconds"] = time.time() - start
    if args.out:
        with open(args.out, "w") as f:
            json.dump(out, f, default=float)
    print(f"peer study: {out['seconds']:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
