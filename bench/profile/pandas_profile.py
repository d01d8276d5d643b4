#!/usr/bin/python3
"""The pandas peer of `hitscope profile` for bench/profile/run.sh: the same statistics an analyst
computes in a notebook, on the same columns hitscope reads: describe(), Pearson and Spearman
correlation matrices, groupby release year (count, mean, sem, weighted mean with 1/k ISRC
weights), groupby month and meteorological season (dates with a month only) and the
Kruskal-Wallis test across seasons.

    /usr/bin/python3 bench/profile/pandas_profile.py bench/data/tracks_490k.csv
"""
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

FEATURES = ["duration_ms", "acousticness", "danceability", "energy", "instrumentalness", "key",
            "liveness", "loudness", "mode", "speechiness", "tempo", "time_signature", "valence"]

path = sys.argv[1]
start = time.time()
header = pd.read_csv(path, nrows=0).columns
usecols = [c for c in header if c in set(FEATURES) | {"track_id", "isrc", "artist",
                                                       "release_date", "popularity"}]
df = pd.read_csv(path, usecols=usecols, dtype={"release_date": str})
read = time.time()
summary = df.describe()
columns = [c for c in FEATURES if c in df.columns] + ["popularity"]
pearson = df[columns].corr(method="pearson")
spearman = df[columns].corr(method="spearman")
dates = df["release_date"].fillna("")
df["year"] = pd.to_numeric(dates.str[:4], errors="coerce")
df["month"] = pd.to_numeric(dates.str[5:7], errors="coerce")
df["weight"] = 1.0 / df.groupby("isrc")["isrc"].transform("size").fillna(1.0)
df["wx"] = df["weight"] * df["popularity"]
years = df.groupby("year").agg(tracks=("popularity", "size"), mean=("popularity", "mean"),
                               sem=("popularity", "sem"), w=("weight", "sum"), wx=("wx", "sum"),
                               minutes=("duration_ms", "mean"))
years["weighted"] = years["wx"] / years["w"]
dated = df[df["month"].notna()]
season = ((dated["month"].astype(int) % 12) // 3).rename("season")
seasons = dated.groupby(season)["popularity"].agg(["size", "mean", "sem"])
months = dated.groupby("month")["popularity"].agg(["size", "mean", "sem"])
h, p = stats.kruskal(*[g.to_numpy() for _, g in dated.groupby(season)["popularity"]])
end = time.time()
print(f"pandas: {len(df)} rows; read {read - start:.2f} s, statistics {end - read:.2f} s; "
      f"seasons H = {h:.2f}, p = {p:.3g}", file=sys.stderr)
