#!/usr/bin/python3
"""The numpy peer of `hitscope spectrogram --format npy`: every audio file of a folder to a
librosa-0.10 mel spectrogram in dB, saved as <stem>.npy, in one Python process.

Per file, what librosa.load(path, sr=22050, duration=30) + melspectrogram + power_to_db do,
with the algorithms of tests/parity/audio_mel_reference.py:
  decode     WAV with the standard library's `wave` (int16 / 32768, as libsndfile scales), any
             other format with python3-soundfile (the same libsndfile and libmpg123 as hitscope);
  mono       the float32 mean of the channels (librosa.to_mono);
  resample   scipy.signal.resample_poly (librosa's res_type="polyphase"; librosa's default,
             soxr_hq, has no Debian package) when the rate is not 22,050 Hz;
  window     the first 30 s, zero-padded (librosa.util.fix_length);
  spectrogram and dB: the reference.
Usage: numpy_spectrograms.py IN_DIR OUT_DIR
"""
import math
import os
import sys
import wave

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "parity"))
import audio_mel_reference as reference  # noqa: E402

SR = 22050
DURATION = 30


def read(path):
    if path.lower().endswith(".wav"):
        with wave.open(path, "rb") as w:
            if w.getsampwidth() == 2:
                rate, channels = w.getframerate(), w.getnchannels()
                frames = w.readframes(min(w.getnframes(), DURATION * rate))
                y = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
                return y.reshape(-1, channels), rate
    import soundfile
    with soundfile.SoundFile(path) as f:
        rate = f.samplerate
        return f.read(frames=DURATION * rate, dtype="float32", always_2d=True), rate


def spectrogram(path):
    y, rate = read(path)
    y = np.mean(y.T, axis=0)  # librosa.to_mono on (channels, n)
    if rate != SR:
        g = math.gcd(SR, rate)
        y = resample_poly(y, SR // g, rate // g, axis=-1).astype(np.float32)
    n = DURATION * SR
    y = y[:n] if len(y) >= n else np.pad(y, (0, n - len(y)))
    return reference.mel_db(y)


def main():
    in_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    names = sorted(n for n in os.listdir(in_dir)
                   if n.lower().endswith((".wav", ".mp3", ".flac", ".ogg")))
    for name in names:
        db = spectrogram(os.path.join(in_dir, name))
        np.save(os.path.join(out_dir, os.path.splitext(name)[0] + ".npy"), db)
    print(f"{len(names)} spectrograms", file=sys.stderr)


if __name__ == "__main__":
    main()
