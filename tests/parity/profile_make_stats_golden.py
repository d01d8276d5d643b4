#!/usr/bin/python3
"""Makes tests/parity/profile_stats_golden.json: inputs and scipy / numpy / pandas answers for
every statistic in include/hitscope/stats.hpp.

Run with Debian's /usr/bin/python3 (scipy 1.10, numpy 1.24, pandas 1.5):
    /usr/bin/python3 tests/parity/profile_make_stats_golden.py
The C++ test src/explore/stats/stats_test.cpp reads the file. Inputs are drawn with a fixed seed
and stored in the file, so the C++ side needs no random generator of its own.
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy
from scipy import special, stats

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240229)


def clean(value):
    """JSON has no NaN: NaN and infinities become null."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(v) for v in value]
    value = float(value)
    return None if not math.isfinite(value) else value


golden = {"scipy": scipy.__version__, "numpy": np.__version__, "pandas": pd.__version__}

# Distributions.
golden["chi2_sf"] = [
    {"x": x, "df": df, "sf": stats.chi2.sf(x, df)}
    for x, df in [(0.5, 1), (3.84, 1), (7.81, 3), (0.01, 3), (40.0, 3), (120.0, 11), (2.0, 0.5),
                  (250.0, 2), (1e-6, 4), (15.3, 7.5)]
]
golden["t_ppf"] = [
    {"p": p, "df": df, "ppf": stats.t.ppf(p, df)}
    for p, df in [(0.975, 1), (0.975, 2), (0.975, 5), (0.975, 29), (0.995, 10), (0.025, 3),
                  (0.9, 1000), (0.6, 2.5), (0.999, 4), (0.975, 1e6), (0.5000001, 7), (1e-6, 12)]
]
golden["t_cdf"] = [
    {"t": t, "df": df, "cdf": stats.t.cdf(t, df)}
    for t, df in [(0.0, 3), (1.0, 1), (-2.5, 4), (10.0, 7), (0.3, 100), (-30.0, 2.5)]
]
golden["norm_ppf"] = [{"p": p, "ppf": stats.norm.ppf(p)}
                      for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.9999]]
golden["betainc"] = [{"a": a, "b": b, "x": x, "value": special.betainc(a, b, x)}
                     for a, b, x in [(0.5, 2.0, 0.3), (3.0, 0.5, 0.9), (10.0, 10.0, 0.5),
                                     (1.0, 1.0, 0.25), (50.0, 0.5, 0.99)]]
golden["gammainc"] = [{"a": a, "x": x, "p": special.gammainc(a, x), "q": special.gammaincc(a, x)}
                      for a, x in [(0.5, 0.1), (1.5, 3.0), (10.0, 5.0), (10.0, 25.0), (100, 90)]]

# Kruskal-Wallis: continuous, tied integers (popularity-like), unequal sizes, a strong effect.
cases = []
for name, groups in [
    ("textbook", [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]),
    ("ties", [[1, 1, 2, 2, 3], [2, 3, 3, 4, 4, 4], [1, 2, 5, 5]]),
    ("popularity", [list(rng.poisson(lam, size=n)) for lam, n in [(5, 400), (5.4, 300),
                                                                  (5.1, 350), (4.6, 250)]]),
    ("continuous", [list(rng.normal(mu, 1, size=n)) for mu, n in [(0, 30), (0.5, 41), (1, 17)]]),
    ("two_groups", [[1.5, 2.5, 3.5], [10.0, 11.0, 12.0, 13.0]]),
]:
    h, p = stats.kruskal(*groups)
    n = sum(len(g) for g in groups)
    ranked = stats.rankdata(np.concatenate([np.asarray(g, float) for g in groups]))
    cases.append({"name": name, "groups": [[float(v) for v in g] for g in groups],
                  "statistic": h, "p_value": p, "n": n, "tie_correction": stats.tiecorrect(ranked),
                  "epsilon_squared": h / (n - 1)})
golden["kruskal"] = cases

# t intervals of a mean.
intervals = []
for data in [[1.0, 2.0, 3.0, 4.0, 10.0], list(rng.normal(5, 2, size=50)), [3.0, 3.5],
             list(rng.exponential(3, size=1000))]:
    data = np.asarray(data, float)
    lower, upper = stats.t.interval(0.95, len(data) - 1, loc=data.mean(), scale=stats.sem(data))
    lower99, upper99 = stats.t.interval(0.99, len(data) - 1, loc=data.mean(),
                                        scale=stats.sem(data))
    intervals.append({"values": data.tolist(), "mean": data.mean(), "sem": stats.sem(data),
                      "lower": lower, "upper": upper, "lower99": lower99, "upper99": upper99})
golden["mean_interval"] = intervals

# Weighted mean with Kish's effective size and reliability-weight variance (numpy, by formula).
x = rng.normal(10, 3, size=200)
w = rng.uniform(0.1, 2.0, size=200)
mean = np.average(x, weights=w)
v1, v2 = w.sum(), (w ** 2).sum()
variance = (w * (x - mean) ** 2).sum() / (v1 - v2 / v1)
n_eff = v1 ** 2 / v2
se = math.sqrt(variance / n_eff)
t = stats.t.ppf(0.975, n_eff - 1)
golden["weighted_interval"] = {"values": x.tolist(), "weights": w.tolist(), "mean": mean,
                               "variance": variance, "n_eff": n_eff, "lower": mean - t * se,
                               "upper": mean + t * se}

# Correlation matrices with missing values and ties, as pandas DataFrame.corr.
n = 300
frame = pd.DataFrame({
    "a": rng.normal(size=n),
    "b": rng.integers(0, 6, size=n).astype(float),
    "c": rng.normal(size=n),
    "d": rng.exponential(size=n),
})
frame["c"] = frame["c"] + 0.6 * frame["a"]
frame["d"] = frame["d"] - 0.3 * frame["b"]
for column, share in [("a", 0.05), ("c", 0.2), ("d", 0.0)]:
    frame.loc[rng.random(n) < share, column] = np.nan
golden["corr"] = {
    "columns": {name: clean(frame[name].to_numpy()) for name in frame.columns},
    "names": list(frame.columns),
    "pearson": clean(frame.corr(method="pearson").to_numpy().ravel()),
    "spearman": clean(frame.corr(method="spearman").to_numpy().ravel()),
}
golden["rankdata"] = {"values": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0],
                      "ranks": stats.rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]).tolist()}

# Histogram and kernel density.
values = np.concatenate([rng.normal(0, 1, 400), rng.normal(4, 0.5, 100)])
counts, edges = np.histogram(values, bins=17)
kde = stats.gaussian_kde(values)
points = np.linspace(values.min() - 1, values.max() + 1, 25)
golden["density"] = {"values": values.tolist(), "bins": 17, "edges": edges.tolist(),
                     "counts": counts.tolist(), "bandwidth": math.sqrt(kde.covariance[0, 0]),
                     "points": points.tolist(), "kde": kde(points).tolist()}
ints = rng.integers(0, 10, size=100).astype(float)
counts, edges = np.histogram(ints, bins=np.arange(-0.5, 10.5, 1.0))
golden["histogram_edges"] = {"values": ints.tolist(), "edges": edges.tolist(),
                             "counts": counts.tolist()}

# Box plot numbers as matplotlib computes them (cbook.boxplot_stats, whis=1.5), by formula.
box_values = np.sort(np.concatenate([rng.normal(0, 1, 97), [8.0, 9.0, -7.0]]))
q1, median, q3 = np.percentile(box_values, [25, 50, 75])
iqr = q3 - q1
inside = box_values[(box_values >= q1 - 1.5 * iqr) & (box_values <= q3 + 1.5 * iqr)]
golden["box"] = {"values": box_values.tolist(), "q1": q1, "median": median, "q3": q3,
                 "lower_whisker": inside.min(), "upper_whisker": inside.max(),
                 "outliers_low": int((box_values < q1 - 1.5 * iqr).sum()),
                 "outliers_high": int((box_values > q3 + 1.5 * iqr).sum())}


def tojson(obj):
    if isinstance(obj, dict):
        return {k: tojson(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [tojson(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return clean(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


out = os.path.join(here, "profile_stats_golden.json")
with open(out, "w") as f:
    json.dump(tojson(golden), f, indent=1)
    f.write("\n")
print(f"wrote {out} (scipy {scipy.__version__}, pandas {pd.__version__})", file=sys.stderr)
