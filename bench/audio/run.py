#!/usr/bin/python3
"""Audio benchmarks: spectrogram throughput against the numpy reference, and CNN epoch time
against the same network in PyTorch's Python front end. Prints a Markdown table.

  /usr/bin/python3 bench/audio/run.py [--hitscope build/release/src/cli/hitscope]

Data (made once under bench/audio/data/, not committed):
  clips_native/  the shared clips of ../shared/data/audio repeated to 30 s, as 16-bit WAV at
                 their own rate and channels (mostly 44.1 kHz stereo), --copies of each;
  clips_22k/     the same, mono at 22,050 Hz (no resampling on either side);
  clips_coded/   the same 30-s clips in their original formats (MP3, OGG, FLAC, WAV);
  cnn/           2,000 spectrograms at the CNN's default input size (128 x 128): synthetic
                 noise / tone / click-train textures with popularity 10 / 45 / 80.
Outputs go to --scratch (a tmpfs by default), so that both sides are timed on computing, not
on the disk; one extra hitscope run writes to the disk to show what fsync per file costs.
Every timing is the best of --repeats runs. Needs python3-soundfile, python3-scipy and
python3-torch (scripts/bootstrap installs them).
"""
import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(ROOT, "..", "shared", "data", "audio")


def make_clips(data, copies):
    import soundfile
    from scipy.signal import resample_poly
    native, mono, coded = (os.path.join(data, d) for d in
                           ("clips_native", "clips_22k", "clips_coded"))
    if os.path.isdir(coded) and len(os.listdir(coded)) > 0:
        return
    for d in (native, mono, coded):
        os.makedirs(d, exist_ok=True)
    for name in sorted(os.listdir(SHARED)):
        stem, ext = os.path.splitext(name)
        y, rate = soundfile.read(os.path.join(SHARED, name), dtype="float32", always_2d=True)
        n = 30 * rate
        y = np.tile(y, (math.ceil(n / len(y)), 1))[:n]
        m = y.mean(axis=1)
        g = math.gcd(22050, rate)
        m = resample_poly(m, 22050 // g, rate // g).astype(np.float32)[:30 * 22050]
        info = soundfile.info(os.path.join(SHARED, name))
        for c in range(copies):
            soundfile.write(os.path.join(native, f"{stem}-{ext[1:]}-{c}.wav"), y, rate,
                            subtype="PCM_16")
            soundfile.write(os.path.join(mono, f"{stem}-{ext[1:]}-{c}.wav"), m, 22050,
                            subtype="PCM_16")
            soundfile.write(os.path.join(coded, f"{stem}-{c}{ext}"), y, rate,
                            format=info.format, subtype=info.subtype)


def make_cnn_data(data, hitscope, rows=2000, size=128):
    folder = os.path.join(data, "cnn")
    if os.path.exists(os.path.join(folder, "index.csv")):
        return folder
    os.makedirs(folder, exist_ok=True)
    # spectrogram.json with hitscope's defaults, from a one-file run.
    probe = os.path.join(data, "probe")
    first = sorted(os.listdir(os.path.join(data, "clips_22k")))[0]
    subprocess.run([hitscope, "-q", "spectrogram", os.path.join(data, "clips_22k", first),
                    "--out", probe, "--format", "npy"], check=True)
    shutil.copy(os.path.join(probe, "spectrogram.json"), folder)
    rng = np.random.default_rng(1)
    lines = ["track_id,status,npy,popularity,artist"]
    for i in range(rows):
        kind = i % 3
        db = rng.normal(-60, 4, (size, size)).astype(np.float32)
        if kind == 1:
            db[rng.integers(5, size - 5, 3), :] += 35  # tones: horizontal lines
        elif kind == 2:
            db[:, rng.integers(0, 9) :: 9] += 30  # clicks: vertical lines
        np.save(os.path.join(folder, f"s{i}.npy"), db)
        lines.append(f"s{i},ok,s{i}.npy,{[10, 45, 80][kind]},a{i % 97}")
    with open(os.path.join(folder, "index.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return folder


def best_time(command, repeats, cleanup=None):
    """Best wall time and best CPU time (user + system, all threads) of `repeats` runs."""
    best, best_cpu = math.inf, math.inf
    for _ in range(repeats):
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, (after.ru_utime - before.ru_utime) +
                       (after.ru_stime - before.ru_stime))
    return best, best_cpu


def spectrogram_rows(args, data):
    rows = []
    out = os.path.join(args.scratch, "spec")
    for label, folder in [("30-s WAV at the clips' own rate (mostly 44.1 kHz stereo)",
                           "clips_native"),
                          ("30-s WAV, mono 22,050 Hz (no resampling)", "clips_22k"),
                          ("30-s clips in their own formats (MP3, OGG, FLAC, WAV)",
                           "clips_coded")]:
        clips = os.path.join(data, folder)
        files = len(os.listdir(clips))
        row = {"workload": label, "files": files}
        for threads in (1, 2):
            seconds, cpu = best_time([args.hitscope, "-q", "--threads", str(threads),
                                      "spectrogram", clips, "--out", out, "--format", "npy"],
                                     args.repeats, out)
            row[f"hitscope_{threads}"] = files / seconds
            row[f"hitscope_cpu_ms_{threads}"] = 1000 * cpu / files
        seconds, cpu = best_time(["/usr/bin/python3", os.path.join(HERE, "numpy_spectrograms.py"),
                                  clips, out], args.repeats, out)
        row["numpy"] = files / seconds
        row["numpy_cpu_ms"] = 1000 * cpu / files
        rows.append(row)
    disk = os.path.join(data, "out_disk")
    seconds, cpu = best_time([args.hitscope, "-q", "spectrogram",
                              os.path.join(data, "clips_native"), "--out", disk, "--format",
                              "npy"], args.repeats, disk)
    shutil.rmtree(disk, ignore_errors=True)
    rows.append({"workload": "as the first row, hitscope writing to the disk (fsync per file)",
                 "files": rows[0]["files"], "hitscope_2": rows[0]["files"] / seconds,
                 "hitscope_cpu_ms_2": 1000 * cpu / rows[0]["files"]})
    return rows


def cnn_row(args, data):
    folder = make_cnn_data(data, args.hitscope)
    model = os.path.join(args.scratch, "m.hscnn")
    report = os.path.join(args.scratch, "r.json")
    subprocess.run([args.hitscope, "-q", "cnn", "train", folder, "--out", model, "--report",
                    report, "--epochs", str(args.epochs), "--test-fraction", "0"], check=True)
    with open(report) as f:
        ours = [e["seconds"] for e in json.load(f)["epochs"]]
    theirs = json.loads(subprocess.run(
        ["/usr/bin/python3", os.path.join(HERE, "torch_cnn.py"), folder, str(args.epochs),
         str(os.cpu_count())], check=True, capture_output=True, text=True).stdout)["epoch_seconds"]
    return {"rows": 2000, "hitscope": min(ours), "pytorch": min(theirs),
            "hitscope_all": ours, "pytorch_all": theirs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hitscope", default=os.path.join(ROOT, "build", "release", "src",
                                                           "cli", "hitscope"))
    parser.add_argument("--data", default=os.path.join(HERE, "data"))
    parser.add_argument("--scratch", default="/dev/shm/hitscope-bench-audio")
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--skip-cnn", action="store_true")
    parser.add_argument("--skip-spectrogram", action="store_true")
    args = parser.parse_args()
    if not os.path.isdir(SHARED):
        sys.exit(f"the shared clips are missing: {SHARED}")
    os.makedirs(args.scratch, exist_ok=True)
    make_clips(args.data, args.copies)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    if not args.skip_spectrogram:
        print("\n| spectrograms (128 x 1292, .npy) | files | hitscope 1 thread | hitscope 2 "
              "threads | numpy reference | ratio, wall (2 threads) | CPU ms per file: hitscope "
              "/ numpy | ratio, CPU |")
        print("|---|---|---|---|---|---|---|---|")
        for r in spectrogram_rows(args, args.data):
            numpy_rate = r.get("numpy")
            ours = r.get("hitscope_cpu_ms_1", r["hitscope_cpu_ms_2"])
            line = (f"| {r['workload']} | {r['files']} | "
                    f"{r.get('hitscope_1', float('nan')):.1f} files/s | "
                    f"{r['hitscope_2']:.1f} files/s | ")
            if numpy_rate:
                line += (f"{numpy_rate:.2f} files/s | {r['hitscope_2'] / numpy_rate:.1f}x | "
                         f"{ours:.1f} / {r['numpy_cpu_ms']:.1f} | "
                         f"{r['numpy_cpu_ms'] / ours:.1f}x |")
            else:
                line += f"- | - | {ours:.1f} / - | - |"
            print(line)
    if not args.skip_cnn:
        r = cnn_row(args, args.data)
        print(f"\n| CNN epoch, {r['rows']} spectrograms 128 x 128, batch 32 | hitscope (LibTorch "
              f"C++) | PyTorch (Python) | ratio |")
        print("|---|---|---|---|")
        print(f"| best of {args.epochs} epochs, {os.cpu_count()} threads | {r['hitscope']:.2f} s | "
              f"{r['pytorch']:.2f} s | {r['pytorch'] / r['hitscope']:.2f}x |")
        print(f"\nall epochs: hitscope {['%.2f' % s for s in r['hitscope_all']]}, "
              f"PyTorch {['%.2f' % s for s in r['pytorch_all']]}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    shutil.rmtree(args.scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
