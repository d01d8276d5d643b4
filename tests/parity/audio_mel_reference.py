#!/usr/bin/python3
"""A numpy reference for hitscope's mel spectrograms: librosa 0.10's algorithms, re-typed.

There is no librosa in Debian, so this file implements, with numpy alone (Debian's
/usr/bin/python3, numpy 1.24), exactly what librosa 0.10 computes for

    S = librosa.feature.melspectrogram(y=y, sr=22050)        # n_fft 2048, hop 512, 128 mels
    D = librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)

step by step, with librosa's dtypes (float32 signal, float64 window and FFT, complex64 STFT,
float32 power and mel basis):
  - window: scipy.signal.get_window('hann', n_fft, fftbins=True), a periodic Hann window;
  - stft: centred frames, zero padding (pad_mode='constant', librosa's default since 0.9),
    computed as librosa 0.10 does: head frames, middle frames and tail frames separately;
  - power: np.abs(stft) ** 2 in float32;
  - mel basis: librosa.filters.mel (Slaney mel scale, htk=False, norm='slaney');
  - projection: np.einsum('...ft,mf->...mt', S, mel_basis, optimize=True);
  - power_to_db: 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), floored at max - top_db.

Uses:
  audio_mel_reference.py golden
      writes tests/parity/audio_mel_golden.json: the mel basis and the dB spectrograms of
      synthesised signals (tones, noise, silence, short clips) that tests/audio compare with.
  audio_mel_reference.py compare DIR
      DIR is the output of `hitscope spectrogram ... --format npy --samples`: for every track,
      recomputes the spectrogram from the decoded, resampled samples hitscope used
      (<id>.samples.npy) and prints, as JSON, the largest |dB difference| against hitscope's
      <id>.npy. Exit status 1 when a track differs by more than --tolerance (default 0.01 dB).
  audio_mel_reference.py spectrogram IN.npy OUT.npy [--ref max]
      one spectrogram from float32 samples at 22,050 Hz.
"""
import argparse
import json
import math
import os
import sys

import numpy as np

# ---- librosa.filters.get_window('hann', n, fftbins=True) == scipy's periodic Hann window ---


def hann_window(n):
    # scipy.signal.windows.general_cosine(n + 1, [0.5, 0.5]) with the last point dropped
    # (fftbins=True means "periodic"): w = 0.5 * cos(0 * fac) + 0.5 * cos(1 * fac).
    fac = np.linspace(-np.pi, np.pi, n + 1)
    w = np.zeros(n + 1)
    for k, a in enumerate([0.5, 0.5]):
        w += a * np.cos(k * fac)
    return w[:-1]


# ---- librosa.core.convert (Slaney mel scale, htk=False) -------------------------------------


def hz_to_mel(frequencies):
    frequencies = np.asanyarray(frequencies, dtype=np.float64)
    f_min = 0.0
    f_sp = 200.0 / 3
    mels = (frequencies - f_min) / f_sp
    min_log_hz = 1000.0
    min_log_mel = (min_log_hz - f_min) / f_sp
    logstep = np.log(6.4) / 27.0
    if frequencies.ndim:
        log_t = frequencies >= min_log_hz
        mels[log_t] = min_log_mel + np.log(frequencies[log_t] / min_log_hz) / logstep
    elif frequencies >= min_log_hz:
        mels = min_log_mel + np.log(frequencies / min_log_hz) / logstep
    return mels


def mel_to_hz(mels):
    mels = np.asanyarray(mels, dtype=np.float64)
    f_min = 0.0
    f_sp = 200.0 / 3
    freqs = f_min + f_sp * mels
    min_log_hz = 1000.0
    min_log_mel = (min_log_hz - f_min) / f_sp
    logstep = np.log(6.4) / 27.0
    if mels.ndim:
        log_t = mels >= min_log_mel
        freqs[log_t] = min_log_hz * np.exp(logstep * (mels[log_t] - min_log_mel))
    elif mels >= min_log_mel:
        freqs = min_log_hz * np.exp(logstep * (mels - min_log_mel))
    return freqs


def mel_frequencies(n_mels, fmin, fmax):
    min_mel = hz_to_mel(fmin)
    max_mel = hz_to_mel(fmax)
    mels = np.linspace(min_mel, max_mel, n_mels)
    return mel_to_hz(mels)


def fft_frequencies(sr, n_fft):
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


def mel_filters(sr, n_fft, n_mels=128, fmin=0.0, fmax=None):
    """librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax), float32."""
    if fmax is None:
        fmax = float(sr) / 2
    weights = np.zeros((n_mels, int(1 + n_fft // 2)), dtype=np.float32)
    fftfreqs = fft_frequencies(sr, n_fft)
    mel_f = mel_frequencies(n_mels + 2, fmin, fmax)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, np.newaxis]
    return weights


# ---- librosa.util.frame and librosa.stft (0.10) ---------------------------------------------


def frame(x, frame_length, hop_length):
    """librosa.util.frame(x, frame_length=..., hop_length=..., axis=-1) for 1-d x."""
    if x.shape[-1] < frame_length:
        raise ValueError(f"input is too short (n={x.shape[-1]}) for frame_length={frame_length}")
    n_frames = 1 + (x.shape[-1] - frame_length) // hop_length
    strides = (x.strides[-1], hop_length * x.strides[-1])
    return np.lib.stride_tricks.as_strided(x, shape=(frame_length, n_frames), strides=strides)


def stft(y, n_fft=2048, hop_length=512, center=True):
    """librosa.stft(y, n_fft=n_fft, hop_length=hop_length) of 0.10 for 1-d float32 y."""
    fft_window = hann_window(n_fft).reshape((-1, 1))  # float64, as librosa's
    if center:
        start_k = int(np.ceil(n_fft // 2 / hop_length))
        tail_k = (y.shape[-1] + n_fft // 2 - n_fft) // hop_length + 1
        if tail_k <= start_k:
            start = 0
            extra = 0
            y = np.pad(y, (n_fft // 2, n_fft // 2), mode="constant")
        else:
            start = start_k * hop_length - n_fft // 2
            y_pre = np.pad(
                y[: (start_k - 1) * hop_length - n_fft // 2 + n_fft + 1],
                (n_fft // 2, 0),
                mode="constant",
            )
            y_frames_pre = frame(y_pre, n_fft, hop_length)[..., :start_k]
            extra = y_frames_pre.shape[-1]
            if tail_k * hop_length - n_fft // 2 + n_fft <= y.shape[-1] + n_fft // 2:
                y_post = np.pad(
                    y[(tail_k) * hop_length - n_fft // 2 :], (0, n_fft // 2), mode="constant"
                )
                y_frames_post = frame(y_post, n_fft, hop_length)
                extra += y_frames_post.shape[-1]
            else:
                y_frames_post = np.empty((n_fft, 0), dtype=y.dtype)
    else:
        if n_fft > y.shape[-1]:
            raise ValueError(f"n_fft={n_fft} is too large for uncentered analysis")
        start = 0
        extra = 0
    y_frames = frame(y[start:], n_fft, hop_length)
    shape = [1 + n_fft // 2, y_frames.shape[-1] + extra]
    stft_matrix = np.zeros(shape, dtype=np.complex64, order="F")
    if center and extra > 0:
        off_start = y_frames_pre.shape[-1]
        stft_matrix[..., :off_start] = np.fft.rfft(fft_window * y_frames_pre, axis=-2)
        off_end = y_frames_post.shape[-1]
        if off_end > 0:
            stft_matrix[..., -off_end:] = np.fft.rfft(fft_window * y_frames_post, axis=-2)
    else:
        off_start = 0
    # librosa splits the middle into blocks of MAX_MEM_BLOCK bytes; the result is the same.
    stft_matrix[..., off_start : off_start + y_frames.shape[-1]] = np.fft.rfft(
        fft_window * y_frames, axis=-2
    )
    return stft_matrix


def melspectrogram(y, sr=22050, n_fft=2048, hop_length=512, n_mels=128, fmin=0.0, fmax=None,
                   power=2.0, center=True):
    S = np.abs(stft(y, n_fft=n_fft, hop_length=hop_length, center=center)) ** power
    mel_basis = mel_filters(sr, n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return np.einsum("...ft,mf->...mt", S, mel_basis, optimize=True)


def power_to_db(S, ref="1.0", amin=1e-10, top_db=80.0):
    """librosa.power_to_db; ref is "max" (ref=np.max) or a number."""
    magnitude = np.asarray(S)
    ref_value = np.max(magnitude) if ref == "max" else np.abs(float(ref))
    log_spec = 10.0 * np.log10(np.maximum(amin, magnitude))
    log_spec -= 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def mel_db(y, sr=22050, ref="1.0", amin=1e-10, top_db=80.0, **mel_args):
    return power_to_db(melspectrogram(np.asarray(y, dtype=np.float32), sr=sr, **mel_args),
                       ref=ref, amin=amin, top_db=top_db)


# ---- synthesised signals, defined so that C++ can make the same float32 samples ----------


def tone(frequency, samples, sr=22050, amplitude=0.5):
    n = np.arange(samples, dtype=np.float64)
    return (amplitude * np.sin(2 * np.pi * frequency * n / sr)).astype(np.float32)


def noise(samples, seed, amplitude=0.5):
    # A 31-bit linear congruential generator (glibc's TYPE_0 constants): exact in any language.
    out = np.empty(samples, dtype=np.float32)
    state = seed
    for i in range(samples):
        state = (state * 1103515245 + 12345) % 2147483648
        out[i] = np.float32((state / 2147483648.0 - 0.5) * 2.0 * amplitude)
    return out


# The signals of the golden file: (name, kind, parameters). tests/audio/audio_golden_test.cpp
# synthesises the same ones.
SIGNALS = [
    ("tone_440", "tone", {"frequency": 440.0, "samples": 11025}),
    ("tone_3000", "tone", {"frequency": 3000.0, "samples": 11025}),
    ("tone_8000_quiet", "tone", {"frequency": 8000.0, "samples": 11025, "amplitude": 0.001}),
    ("noise", "noise", {"seed": 7, "samples": 11025 + 123}),
    ("short_noise", "noise", {"seed": 11, "samples": 1000}),  # shorter than n_fft
    ("edge_noise", "noise", {"seed": 5, "samples": 2560}),  # head and tail frames overlap
    ("silence", "silence", {"samples": 5000}),
]


def synthesise(kind, params):
    if kind == "tone":
        return tone(params["frequency"], params["samples"],
                    amplitude=params.get("amplitude", 0.5))
    if kind == "noise":
        return noise(params["samples"], params["seed"])
    if kind == "silence":
        return np.zeros(params["samples"], dtype=np.float32)
    raise ValueError(kind)


def write_golden(path):
    sr, n_fft = 22050, 2048
    basis = mel_filters(sr, n_fft)
    rows = []
    for row in basis:
        nonzero = np.nonzero(row)[0]
        first, last = int(nonzero[0]), int(nonzero[-1])
        rows.append({"first_bin": first, "weights": [float(v) for v in row[first : last + 1]]})
    signals = []
    for name, kind, params in SIGNALS:
        y = synthesise(kind, params)
        for ref in ["1.0", "max"]:
            db = mel_db(y, ref=ref)
            signals.append({
                "name": name, "kind": kind, "params": params, "ref": ref,
                "shape": list(db.shape),
                # dB to 1e-5: far below the 0.01 dB tolerance, and a readable file.
                "db": [[round(float(v), 5) for v in band] for band in db],
            })
    golden = {
        "made_by": "tests/parity/audio_mel_reference.py golden (librosa 0.10 algorithms, numpy "
                   + np.__version__ + ")",
        "sample_rate": sr, "n_fft": n_fft, "hop_length": 512, "n_mels": 128,
        "mel_frequencies": [float(v) for v in mel_frequencies(130, 0.0, sr / 2)],
        "window_head": [float(v) for v in hann_window(n_fft)[:8]],
        "filters": rows,
        "signals": signals,
    }
    with open(path, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}", file=sys.stderr)


def compare(folder, tolerance):
    with open(os.path.join(folder, "spectrogram.json")) as f:
        spec = json.load(f)
    mel = spec["mel"]
    db = spec["db"]
    if spec.get("layout", "mels x frames") != "mels x frames":
        raise SystemExit("unexpected tensor layout")
    results = {}
    worst = 0.0
    names = sorted(n for n in os.listdir(folder) if n.endswith(".samples.npy"))
    if not names:
        raise SystemExit(f"{folder} has no *.samples.npy: run hitscope spectrogram with --samples")
    for name in names:
        track = name[: -len(".samples.npy")]
        y = np.load(os.path.join(folder, name))
        ours = np.load(os.path.join(folder, track + ".npy"))
        top_db = db["top_db"] if db["top_db"] > 0 else None
        theirs = mel_db(y, sr=mel["sample_rate"], ref=db["ref"], amin=db["amin"], top_db=top_db,
                        n_fft=mel["n_fft"], hop_length=mel["hop_length"], n_mels=mel["n_mels"],
                        fmin=mel["fmin"], fmax=mel["fmax"] or None, power=mel["power"],
                        center=mel["center"])
        if ours.shape != theirs.shape:
            results[track] = {"error": f"shape {ours.shape} != reference {theirs.shape}"}
            worst = math.inf
            continue
        diff = float(np.max(np.abs(ours.astype(np.float64) - theirs.astype(np.float64))))
        results[track] = {"max_abs_db_difference": diff, "frames": int(ours.shape[1]),
                          "db_min": float(theirs.min()), "db_max": float(theirs.max())}
        worst = max(worst, diff)
    print(json.dumps({"tolerance": tolerance, "worst": worst, "tracks": results}, indent=1))
    return 0 if worst <= tolerance else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    golden = sub.add_parser("golden")
    golden.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "audio_mel_golden.json"))
    cmp = sub.add_parser("compare")
    cmp.add_argument("folder")
    cmp.add_argument("--tolerance", type=float, default=0.01)
    one = sub.add_parser("spectrogram")
    one.add_argument("input")
    one.add_argument("output")
    one.add_argument("--ref", default="1.0")
    args = parser.parse_args()
    if args.command == "golden":
        write_golden(args.out)
        return 0
    if args.command == "compare":
        return compare(args.folder, args.tolerance)
    np.save(args.output, mel_db(np.load(args.input), ref=args.ref))
    return 0


if __name__ == "__main__":
    sys.exit(main())
