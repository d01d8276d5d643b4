#!/usr/bin/python3
"""Makes tests/parity/describe_golden.json: pandas' describe() of the bundled dataset.

Run with Debian's /usr/bin/python3 (python3-pandas 1.5):
    /usr/bin/python3 tests/parity/make_describe_golden.py
The C++ test tests/describe_parity_test.cpp compares hitscope's describe with this file.
"""
import json
import math
import os
import sys

import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
data = os.path.join(root, "data", "spotify_songs.csv")

df = pd.read_csv(data)
numeric = df.describe()  # numeric columns: count mean std min 25% 50% 75% max
objects = df.describe(include=["object"])  # count unique top freq

columns = []
for name in df.columns:
    entry = {"name": name, "missing": int(df[name].isna().sum())}
    if name in numeric.columns:
        stats = numeric[name]
        for key in ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]:
            value = float(stats[key])
            entry[key] = None if math.isnan(value) else value
        entry["numeric"] = True
    else:
        stats = objects[name]
        counts = df[name].value_counts()
        entry.update(
            numeric=False,
            count=int(stats["count"]),
            unique=int(stats["unique"]),
            top=str(stats["top"]),
            freq=int(stats["freq"]),
            # pandas breaks ties in value_counts by an unstable sort: any of these is a top.
            top_candidates=sorted(str(v) for v in counts[counts == counts.iloc[0]].index),
        )
    columns.append(entry)

golden = {
    "source": "data/spotify_songs.csv",
    "pandas": pd.__version__,
    "rows": int(len(df)),
    "columns": columns,
}
out = os.path.join(here, "describe_golden.json")
with open(out, "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")
print(f"wrote {out} with pandas {pd.__version__}", file=sys.stderr)
