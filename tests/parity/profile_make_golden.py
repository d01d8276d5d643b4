#!/usr/bin/python3
"""Makes tests/parity/profile_golden.json: pandas / scipy answers for the profile of the bundled
dataset (data/spotify_songs.csv), computed the way an analyst would in a notebook.

Run with Debian's /usr/bin/python3 (pandas 1.5, scipy 1.10):
    /usr/bin/python3 tests/parity/profile_make_golden.py
tests/profile/profile_parity_test.cpp compares `hitscope profile`'s result with this file.
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy
from scipy import stats

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
df = pd.read_csv(os.path.join(root, "data", "spotify_songs.csv"))

popularity = "track_popularity"
features = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]


def clean(value):
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    return value


columns = features + [popularity]
golden = {"pandas": pd.__version__, "scipy": scipy.__version__, "rows": len(df),
          "columns": columns,
          "pearson": df[columns].corr(method="pearson").to_numpy().ravel().tolist(),
          "spearman": df[columns].corr(method="spearman").to_numpy().ravel().tolist()}

# Dates keep their precision: "2012" has no month (never invent January).
dates = df["track_album_release_date"].astype(str)
df["year"] = dates.str[:4].astype(int)
df["month"] = np.where(dates.str.len() >= 7, dates.str[5:7], "0").astype(int)
df["weight"] = 1.0 / df.groupby("track_id")["track_id"].transform("size")


def interval(values, level=0.95):
    values = np.asarray(values, float)
    n = len(values)
    if n < 2:
        return {"n": n, "mean": values.mean() if n else None, "lower": None, "upper": None}
    lower, upper = stats.t.interval(level, n - 1, loc=values.mean(), scale=stats.sem(values))
    return {"n": n, "mean": values.mean(), "lower": lower, "upper": upper}


def weighted(values, weights, level=0.95):
    x, w = np.asarray(values, float), np.asarray(weights, float)
    mean = np.average(x, weights=w)
    v1, v2 = w.sum(), (w ** 2).sum()
    if len(x) < 2:
        return {"mean": mean, "lower": None, "upper": None}
    variance = (w * (x - mean) ** 2).sum() / (v1 - v2 / v1)
    n_eff = v1 ** 2 / v2
    t = stats.t.ppf((1 + level) / 2, n_eff - 1)
    se = math.sqrt(variance / n_eff)
    return {"mean": mean, "lower": mean - t * se, "upper": mean + t * se}


years = []
for year, group in df.groupby("year"):
    years.append({"year": year, "tracks": len(group), "popularity": interval(group[popularity]),
                  "weighted": weighted(group[popularity], group["weight"]),
                  "minutes": interval(group["duration_ms"] / 60000.0)})
golden["years"] = years

dated = df[df["month"] > 0]
season_of = {12: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}
dated = dated.assign(season=dated["month"].map(season_of))
golden["month_rows"] = len(dated)
golden["year_only_rows"] = int((df["month"] == 0).sum())
golden["months"] = [interval(dated.loc[dated["month"] == m, popularity]) for m in range(1, 13)]
golden["seasons"] = [interval(dated.loc[dated["season"] == s, popularity]) for s in range(4)]
groups = [dated.loc[dated["season"] == s, popularity].to_numpy() for s in range(4)]
h, p = stats.kruskal(*groups)
golden["season_kruskal"] = {"statistic": h, "p_value": p, "n": len(dated),
                            "epsilon_squared": h / (len(dated) - 1)}
h, p = stats.kruskal(*[dated.loc[dated["month"] == m, popularity].to_numpy()
                       for m in range(1, 13)])
golden["month_kruskal"] = {"statistic": h, "p_value": p}

classes = pd.cut(df[popularity], bins=[-np.inf, 30, 60, np.inf], right=False,
                 labels=["low", "medium", "high"])
golden["classes"] = classes.value_counts().reindex(["low", "medium", "high"]).tolist()

ids = df["track_id"]
golden["duplicates"] = {"distinct": int(ids.nunique()), "duplicate_rows": int(ids.duplicated().sum()),
                        "repeated_keys": int((ids.value_counts() > 1).sum()),
                        "max_repeat": int(ids.value_counts().max())}
artists = df.groupby("track_artist")[popularity].agg(["size", "mean"])
golden["artists"] = len(artists)
by_count = artists.sort_values("size", ascending=False, kind="stable").head(20)
golden["artists_by_count"] = [{"artist": a, "tracks": int(r["size"])} for a, r in by_count.iterrows()]
eligible = artists[artists["size"] >= 10].sort_values("mean", ascending=False, kind="stable")
golden["artists_by_mean"] = [{"artist": a, "tracks": int(r["size"]), "mean": r["mean"]}
                             for a, r in eligible.head(20).iterrows()]
box = df[popularity].quantile([0.25, 0.5, 0.75]).tolist()
iqr = box[2] - box[0]
golden["popularity_box"] = {"q1": box[0], "median": box[1], "q3": box[2],
                            "outliers_low": int((df[popularity] < box[0] - 1.5 * iqr).sum()),
                            "outliers_high": int((df[popularity] > box[2] + 1.5 * iqr).sum())}
counts, edges = np.histogram(df["danceability"], bins=40)
golden["danceability_histogram"] = {"edges": edges.tolist(), "counts": counts.tolist()}

out = os.path.join(here, "profile_golden.json")
with open(out, "w") as f:
    json.dump(clean(golden), f, indent=1)
    f.write("\n")
print(f"wrote {out} (pandas {pd.__version__}, scipy {scipy.__version__})", file=sys.stderr)
