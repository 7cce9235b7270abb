"""Golden vectors for the Java Kaldi filterbank (`io.avstream.operators.audio.KaldiFbank`).

Builds a few deterministic 16 kHz test signals and runs torchaudio's Kaldi-compatible fbank on
each, with exactly the keyword arguments of the MAViL audio front end (one more signal, at 8 kHz,
uses OTHER_KWARGS to cover the other options):

    torchaudio.compliance.kaldi.fbank(w, htk_compat=True, sample_frequency=16000, use_energy=False,
                                      window_type='hanning', num_mel_bins=128, dither=0.0,
                                      frame_shift=10)

The waveform is passed as it is: MAViL subtracts the waveform mean before the fbank, which is the
caller's job and not part of the filterbank (one signal below keeps a DC offset on purpose; the
per-frame DC removal of the fbank takes it out).

Needs Debian's torch and torchaudio (`apt-get install python3-torchaudio`). Run with Debian's
interpreter from models/python:

    cd models/python
    /usr/bin/python3 -m avstream_models.fbank_golden --out ../../operators/src/test/resources/golden/fbank

(--out defaults to that folder of this repository, wherever it is run from.) Rerunning it rewrites
byte-identical files with the same torch / torchaudio.

Writes into --out, for every signal NAME: NAME.wave.f32 (the input, float32 little-endian),
NAME.fbank.f32 (frames x bins, row-major, float32 little-endian), and index.json (the versions, and
per signal: samples, frames, bins, the kwargs, description).
"""
from __future__ import annotations

import argparse
import json
import os
from typing import Callable, Dict, List, Tuple

import numpy as np
import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi

SAMPLE_RATE = 16000
SEED = 20240611
MAVIL_KWARGS = dict(htk_compat=True, sample_frequency=16000, use_energy=False, window_type="hanning",
                    num_mel_bins=128, dither=0.0, frame_shift=10)
# another configuration, for the options that MAViL leaves at their defaults: 8 kHz, a 160-sample
# window (256-point FFT), a shift that is not a whole number of ms, a high_freq offset from Nyquist,
# no preemphasis (the waveform is the chirp resampled by taking every other sample)
OTHER_KWARGS = dict(sample_frequency=8000, use_energy=False, window_type="hanning", num_mel_bins=40,
                    dither=0.0, frame_length=20.0, frame_shift=12.5, low_freq=64.0, high_freq=-400.0,
                    preemphasis_coefficient=0.0)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
DEFAULT_OUT = os.path.join(REPO, "operators", "src", "test", "resources", "golden", "fbank")


def _time(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.float64) / SAMPLE_RATE


def chirp_noise(rng: np.random.Generator) -> np.ndarray:
    n = SAMPLE_RATE
    t = _time(n)
    f0, f1 = 100.0, 7900.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / 2 * t * t)    # linear chirp, 1 s
    return 0.4 * np.sin(phase) + 0.05 * rng.standard_normal(n)


def sine_dc(rng: np.random.Generator) -> np.ndarray:
    t = _time(int(0.3 * SAMPLE_RATE))
    return 0.5 * np.sin(2 * np.pi * 440.0 * t) + 0.2


def odd_length(rng: np.random.Generator) -> np.ndarray:
    n = int(SAMPLE_RATE * 0.517)                               # 8272: not a multiple of the 160 shift
    t = _time(n)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t)
    x = envelope * (0.3 * np.sin(2 * np.pi * 1000.0 * t) + 0.1 * np.sin(2 * np.pi * 3300.0 * t))
    x += 0.01 * rng.standard_normal(n)
    x[4000:4008] += 0.8                                        # a click
    return np.clip(x, -1.0, 1.0)


def exact_400(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-0.5, 0.5, 400)                         # exactly one frame


def quiet_noise(rng: np.random.Generator) -> np.ndarray:
    # about -94 dBFS: the low mel energies fall under the log floor (float32 epsilon), the high ones not
    return 2e-5 * rng.standard_normal(int(0.25 * SAMPLE_RATE))


def silence(rng: np.random.Generator) -> np.ndarray:
    return np.zeros(SAMPLE_RATE // 2)                          # every value is log(epsilon)


def chirp_8k(rng: np.random.Generator) -> np.ndarray:
    return chirp_noise(rng)[::2]                               # 8000 samples at 8 kHz


SIGNALS: List[Tuple[str, str, Callable[[np.random.Generator], np.ndarray], Dict]] = [
    ("chirp_noise", "1.0 s linear chirp 100-7900 Hz, amplitude 0.4, plus Gaussian noise sd 0.05", chirp_noise,
     MAVIL_KWARGS),
    ("sine_dc", "0.3 s 440 Hz sine, amplitude 0.5, DC offset 0.2 (not removed)", sine_dc, MAVIL_KWARGS),
    ("odd_length", "8272 samples (0.517 s): 1 kHz + 3.3 kHz tones with a 3 Hz envelope, noise sd 0.01, "
                   "an 8-sample click", odd_length, MAVIL_KWARGS),
    ("exact_400", "400 samples uniform in [-0.5, 0.5): exactly one frame", exact_400, MAVIL_KWARGS),
    ("quiet_noise", "0.25 s Gaussian noise sd 2e-5: mel energies on both sides of the log floor", quiet_noise,
     MAVIL_KWARGS),
    ("silence", "0.5 s of zeros: every value is log(float32 epsilon)", silence, MAVIL_KWARGS),
    ("chirp_8k_other_options", "a new chirp_noise signal decimated by 2 (no filter), 1.0 s at 8 kHz, with "
                               "OTHER_KWARGS", chirp_8k, OTHER_KWARGS),
]


def fbank(wave: np.ndarray, kwargs: Dict) -> np.ndarray:
    """torchaudio's fbank with these kwargs on a float32 mono waveform."""
    out = kaldi.fbank(torch.from_numpy(wave).unsqueeze(0), **kwargs)
    return out.numpy().astype(np.float32)


def write(out_dir: str) -> Dict:
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(SEED)
    entries = []
    for name, description, make, kwargs in SIGNALS:
        wave = make(rng).astype(np.float32)
        feats = fbank(wave, kwargs)
        wave.astype("<f4").tofile(os.path.join(out_dir, name + ".wave.f32"))
        feats.astype("<f4").tofile(os.path.join(out_dir, name + ".fbank.f32"))
        entries.append({"name": name, "description": description, "samples": int(wave.shape[0]),
                        "frames": int(feats.shape[0]), "bins": int(feats.shape[1]), "kwargs": kwargs})
    index = {
        "what": "torchaudio.compliance.kaldi.fbank on float32 16 kHz mono waveforms; "
                "NAME.wave.f32 = input, NAME.fbank.f32 = frames x bins row-major; little-endian float32",
        "generator": "models/python/avstream_models/fbank_golden.py",
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "seed": SEED,
        "signals": entries,
    }
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    return index


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = ap.parse_args(argv)
    index = write(args.out)
    for e in index["signals"]:
        print(f"{e['name']:12s} {e['samples']:6d} samples -> {e['frames']:3d} x {e['bins']} fbank")
    print("wrote", os.path.abspath(args.out))


if __name__ == "__main__":
    main()
