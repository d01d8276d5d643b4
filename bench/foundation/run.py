#!/usr/bin/python3
"""Foundation benchmarks: hitscope against pandas on the same files, in one run.

  /usr/bin/python3 bench/foundation/run.py [--quick] [--repeat N]

Workloads (data from bench/make_data.sh):
  load      CSV load of bench/data/tracks_490k.csv: hitscope_csv_load (all threads, and one
            thread for MB/s per core) vs pandas.read_csv
  integrate the five-file join at 1 M and 10 M tracks: `hitscope integrate` vs
            bench/peers/pandas_integrate.py (read_csv + merge + to_csv), same output columns
Each command runs in its own process; wall time and peak RSS come from wait4(). The best of
--repeat runs is reported for each side. Prints a Markdown table.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build", "release")
HITSCOPE = os.path.join(BUILD, "src", "cli", "hitscope")
CSV_LOAD = os.path.join(BUILD, "bench", "hitscope_csv_load")
PYTHON = "/usr/bin/python3"


def run(command):
    """Runs a command; returns (seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{err.decode()}")
    return seconds, usage.ru_maxrss / 1024.0, out.decode()


def best(command, repeat):
    runs = [run(command) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def size_mb(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)
                   if f.endswith(".csv")) / 1e6
    return os.path.getsize(path) / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 10 M integration")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    datasets = ["490k", "1m"] + ([] if args.quick else ["10m"])
    subprocess.run([os.path.join(ROOT, "bench", "make_data.sh")] + datasets, check=True)
    rows = []

    table = os.path.join(ROOT, "bench", "data", "tracks_490k.csv")
    mb = size_mb(table)
    hs_time, hs_mem, hs_out = best([CSV_LOAD, table], args.repeat)
    one_time, _, _ = best([CSV_LOAD, table, "1"], args.repeat)
    pd_time, pd_mem, pd_out = best([PYTHON, os.path.join(ROOT, "bench/peers/pandas_read.py"),
                                    table], args.repeat)
    hs_rows, pd_rows = json.loads(hs_out)["rows"], json.loads(pd_out)["rows"]
    assert hs_rows == pd_rows, (hs_rows, pd_rows)
    rows.append(("CSV load, 490k-row integrated table", mb, hs_time, pd_time, hs_mem, pd_mem,
                 f"{mb / hs_time:.0f} MB/s on 2 threads, {mb / one_time:.0f} MB/s on 1"))

    for name, folder in [("1 M", "gen_1m"), ("10 M", "gen_10m")]:
        source = os.path.join(ROOT, "bench", "data", folder)
        if not os.path.isdir(source):
            continue
        repeat = args.repeat if name == "1 M" else 1
        ours = os.path.join(ROOT, "bench", "data", f"integrated_{folder}.csv")
        theirs = os.path.join(ROOT, "bench", "data", f"integrated_{folder}_pandas.csv")
        hs_time, hs_mem, _ = best([HITSCOPE, "-q", "integrate", source, "--out", ours], repeat)
        pd_time, pd_mem, _ = best([PYTHON, os.path.join(ROOT, "bench/peers/pandas_integrate.py"),
                                   source, theirs], repeat)
        with open(ours) as a, open(theirs) as b:
            ours_rows, theirs_rows = sum(1 for _ in a), sum(1 for _ in b)
        assert ours_rows == theirs_rows, (ours_rows, theirs_rows)
        rows.append((f"integrate, {name} tracks", size_mb(source), hs_time, pd_time, hs_mem,
                     pd_mem, f"{ours_rows - 1} rows out, same as pandas"))

    print("| workload | input MB | hitscope s | pandas s | speed-up | hitscope peak MB "
          "| pandas peak MB | note |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, mb, hs, pd, hs_mem, pd_mem, note in rows:
        print(f"| {name} | {mb:.0f} | {hs:.2f} | {pd:.2f} | {pd / hs:.1f}x | {hs_mem:.0f} "
              f"| {pd_mem:.0f} | {note} |")


if __name__ == "__main__":
    main()
