"""Training, validation and test clips for the small audio-event model, made by the project, reproducibly.

Every clip is 16 kHz mono audio with events at known times, so the labels are strong (onset, offset, class):
sound sources rendered by real engines (espeak-ng and flite speech with many voices, General MIDI instruments
through fluidsynth and the FluidR3 soundfont) or synthesised here (sirens, telephone rings, beeps, buzzers,
clock ticks, bells), laid over background noise at random levels, overlapping, so that tagging is multi-label.

Splits are by source, not by clip: the validation and test clips use voices, phrases, melodies and seeds that
no training clip uses. Packages kept for independent evaluation are never read here: sound-theme-freedesktop,
asterisk-core-sounds-*, oxygen-sounds and the alsa-utils sound files.

    /usr/bin/python3 -m avstream_models.audio_events_data --out /tmp/ae-data   (from models/python)
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import struct
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Tuple

import numpy as np

RATE = 16000
CLIP_SECONDS = 10.24
CLIP_SAMPLES = int(RATE * CLIP_SECONDS)
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

# The classes, in model order: AudioSet index, mid and display name (class_labels_indices.csv of AudioSet, as
# published with YuanGongND/ast egs/audioset/data/class_labels_indices.csv)
LABELS: List[Tuple[int, str, str]] = [
    (0, "/m/09x0r", "Speech"),
    (137, "/m/04rlf", "Music"),
    (153, "/m/05r5c", "Piano"),
    (140, "/m/0342h", "Guitar"),
    (191, "/m/07y_7", "Violin, fiddle"),
    (196, "/m/0l14j_", "Flute"),
    (164, "/m/026t6", "Drum"),
    (200, "/m/0395lw", "Bell"),
    (396, "/m/03kmc9", "Siren"),
    (390, "/m/07pp8cl", "Telephone bell ringing"),
    (481, "/m/02fs_r", "Beep, bleep"),
    (398, "/m/030rvx", "Buzzer"),
    (408, "/m/07qjznl", "Tick-tock"),
]
NAMES = [n for _, _, n in LABELS]
INDEX = {n: i for i, n in enumerate(NAMES)}

# the kinds of source, and the classes each one makes (an instrument is also Music)
KINDS: Dict[str, List[str]] = {
    "speech": ["Speech"],
    "piano": ["Music", "Piano"],
    "guitar": ["Music", "Guitar"],
    "violin": ["Music", "Violin, fiddle"],
    "flute": ["Music", "Flute"],
    "drums": ["Music", "Drum"],
    "bell": ["Bell"],
    "siren": ["Siren"],
    "telephone": ["Telephone bell ringing"],
    "beep": ["Beep, bleep"],
    "buzzer": ["Buzzer"],
    "ticktock": ["Tick-tock"],
}

WORDS = ("the quick brown fox jumps over a lazy dog please call me back tomorrow morning the meeting starts at "
         "nine o'clock we need more coffee in the kitchen turn left at the next corner then go straight ahead "
         "the weather will be cloudy with some rain in the afternoon thank you for waiting your order is ready "
         "open the window and let the fresh air in the train to london leaves from platform four").split()

ESPEAK_TRAIN = ["en-us", "en-gb", "en-gb-scotland", "en-029", "en+m1", "en+m3", "en+f2", "en+f4",
                "en-us+m5", "en-us+f1", "en-gb-x-rp", "en+Alex", "en+Andy", "en+belinda", "en+ed"]
ESPEAK_HELD_OUT = ["en-gb-x-gbclan", "en+m7", "en+f3", "en-us+Annie", "en+boris"]
FLITE_TRAIN = ["kal", "awb", "rms"]
FLITE_HELD_OUT = ["slt"]
GM_PROGRAMS = {"piano": [0, 1, 2], "guitar": [24, 25, 27], "violin": [40, 41], "flute": [73, 72]}


@dataclass
class Event:
    kind: str
    onset: float
    offset: float

    def classes(self) -> List[str]:
        return KINDS[self.kind]


@dataclass
class Clip:
    audio: np.ndarray
    events: List[Event] = field(default_factory=list)
    seconds: float = CLIP_SECONDS


# ------------------------------------------------------------------------------------------------------------
# audio helpers
# ------------------------------------------------------------------------------------------------------------

def read_wav(data: bytes) -> Tuple[np.ndarray, int]:
    """Mono float32 in [-1, 1] and the rate of 16-bit PCM wav bytes."""
    with wave.open(io.BytesIO(data)) as w:
        rate = w.getframerate()
        ch = w.getnchannels()
        width = w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit wav, got {8 * width}-bit")
    x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if ch > 1:
        x = x.reshape(-1, ch).mean(axis=1)
    return x, rate


def to_16k(x: np.ndarray, rate: int) -> np.ndarray:
    """Resampled with sox (very high quality), deterministic."""
    if rate == RATE:
        return x.astype(np.float32)
    p = subprocess.run(["sox", "-t", "f32", "-r", str(rate), "-c", "1", "-", "-t", "f32", "-r", str(RATE), "-c", "1",
                        "-", "rate", "-v"], input=x.astype("<f4").tobytes(), capture_output=True, check=True)
    return np.frombuffer(p.stdout, dtype="<f4").astype(np.float32)


def normalise_peak(x: np.ndarray, peak: float = 0.9) -> np.ndarray:
    m = float(np.max(np.abs(x))) if x.size else 0.0
    return x if m < 1e-9 else (x * (peak / m)).astype(np.float32)


def trim_silence(x: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    idx = np.nonzero(np.abs(x) > threshold)[0]
    return x if idx.size == 0 else x[idx[0]:idx[-1] + 1]


def fade(x: np.ndarray, ms: float = 5.0) -> np.ndarray:
    n = min(len(x) // 2, int(RATE * ms / 1000))
    if n > 0:
        ramp = np.linspace(0, 1, n, dtype=np.float32)
        x = x.copy()
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


# ------------------------------------------------------------------------------------------------------------
# sources rendered by real engines
# ------------------------------------------------------------------------------------------------------------

def speech(rng: np.random.Generator, held_out: bool) -> np.ndarray:
    words = int(rng.integers(3, 9))
    start = int(rng.integers(0, len(WORDS) - words))
    text = " ".join(WORDS[start:start + words])
    if held_out:
        text = " ".join(reversed(text.split()))  # phrases no training clip says
    if rng.random() < 0.75:
        voices = ESPEAK_HELD_OUT if held_out else ESPEAK_TRAIN
        voice = voices[int(rng.integers(len(voices)))]
        cmd = ["espeak-ng", "-v", voice, "-s", str(int(rng.integers(120, 200))), "-p", str(int(rng.integers(20, 80))),
               "--stdout", text]
        data = subprocess.run(cmd, capture_output=True, check=True).stdout
    else:
        voices = FLITE_HELD_OUT if held_out else FLITE_TRAIN
        voice = voices[int(rng.integers(len(voices)))]
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.wav")
            subprocess.run(["flite", "-voice", voice, "-t", text, "-o", out], capture_output=True, check=True)
            with open(out, "rb") as f:
                data = f.read()
    x, rate = read_wav(data)
    return fade(normalise_peak(trim_silence(to_16k(x, rate))))


def midi_file(notes: List[Tuple[float, float, int, int]], program: int, channel: int = 0) -> bytes:
    """A one-track Standard MIDI File: notes (start s, duration s, pitch, velocity) at 120 bpm, 480 ticks/beat."""
    tpq = 480
    tick = lambda s: int(round(s * 2 * tpq))  # noqa: E731 (120 bpm: 2 beats per second)
    events = []
    if channel != 9:
        events.append((0, bytes([0xC0 | channel, program])))
    for start, dur, pitch, vel in notes:
        events.append((tick(start), bytes([0x90 | channel, pitch, vel])))
        events.append((tick(start + dur), bytes([0x80 | channel, pitch, 0])))
    events.sort(key=lambda e: e[0])
    body = bytearray()
    now = 0
    for t, msg in events:
        delta = t - now
        now = t
        vlq = [delta & 0x7F]
        delta >>= 7
        while delta:
            vlq.insert(0, (delta & 0x7F) | 0x80)
            delta >>= 7
        body += bytes(vlq) + msg
    body += b"\x00\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, tpq) + b"MTrk" + struct.pack(">I", len(body)) + bytes(body)


def render_midi(midi: bytes, gain: float = 0.8) -> np.ndarray:
    with tempfile.TemporaryDirectory() as d:
        mid = os.path.join(d, "m.mid")
        out = os.path.join(d, "m.wav")
        with open(mid, "wb") as f:
            f.write(midi)
        subprocess.run(["fluidsynth", "-ni", "-q", "-g", str(gain), "-r", str(RATE), "-F", out, SOUNDFONT, mid],
                       capture_output=True, check=True)
        with open(out, "rb") as f:
            x, rate = read_wav(f.read())
    return fade(normalise_peak(trim_silence(to_16k(x, rate), 0.002)))


def melody(rng: np.random.Generator, kind: str) -> np.ndarray:
    program = GM_PROGRAMS[kind][int(rng.integers(len(GM_PROGRAMS[kind])))]
    low, high = {"piano": (48, 84), "guitar": (45, 76), "violin": (55, 88), "flute": (60, 93)}[kind]
    notes = []
    t = 0.0
    total = float(rng.uniform(1.5, 4.0))
    chord = kind in ("piano", "guitar") and rng.random() < 0.5
    while t < total:
        dur = float(rng.choice([0.125, 0.25, 0.25, 0.5, 0.75]))
        pitch = int(rng.integers(low, high))
        vel = int(rng.integers(60, 120))
        notes.append((t, dur, pitch, vel))
        if chord:
            notes.append((t, dur, min(127, pitch + 4), vel))
            notes.append((t, dur, min(127, pitch + 7), vel))
        t += dur
    return render_midi(midi_file(notes, program))


def drums(rng: np.random.Generator) -> np.ndarray:
    notes = []
    step = float(rng.choice([0.125, 0.25]))
    t = 0.0
    total = float(rng.uniform(1.5, 4.0))
    kit = [36, 38, 42, 46, 45, 48, 49, 51]
    while t < total:
        if rng.random() < 0.8:
            notes.append((t, 0.1, int(kit[int(rng.integers(len(kit)))]), int(rng.integers(70, 127))))
        t += step
    return render_midi(midi_file(notes, 0, channel=9))


# ------------------------------------------------------------------------------------------------------------
# sources synthesised here
# ------------------------------------------------------------------------------------------------------------

def _t(seconds: float) -> np.ndarray:
    return np.arange(int(RATE * seconds), dtype=np.float64) / RATE


def siren(rng: np.random.Generator) -> np.ndarray:
    seconds = float(rng.uniform(1.5, 4.0))
    t = _t(seconds)
    lo, hi = float(rng.uniform(500, 800)), float(rng.uniform(1100, 1700))
    rate = float(rng.choice([0.3, 0.5, 3.0, 4.0]))  # wail or yelp
    f = lo + (hi - lo) * 0.5 * (1 - np.cos(2 * np.pi * rate * t))
    phase = 2 * np.pi * np.cumsum(f) / RATE
    x = np.sin(phase) + 0.3 * np.sin(2 * phase) + 0.15 * np.sin(3 * phase)
    return fade(normalise_peak(x.astype(np.float32)))


def telephone(rng: np.random.Generator) -> np.ndarray:
    style = int(rng.integers(3))
    if style == 2:
        # an electromechanical bell: 1 kHz-ish partials struck 20 times a second
        seconds = float(rng.uniform(1.0, 2.5))
        t = _t(seconds)
        f0 = float(rng.uniform(700, 1100))
        strike = (np.sin(2 * np.pi * 20 * t) > 0).astype(np.float64)
        x = (np.sin(2 * np.pi * f0 * t) + 0.6 * np.sin(2 * np.pi * 2.76 * f0 * t)) * (0.4 + 0.6 * strike)
        return fade(normalise_peak(x.astype(np.float32)))
    f1, f2 = ((440, 480), (400, 450))[style]
    cadence = ((2.0, 4.0),) if style == 0 else ((0.4, 0.2), (0.4, 2.0))
    parts = []
    for _ in range(int(rng.integers(1, 3))):
        for on, off in cadence:
            t = _t(on)
            parts.append(fade(((np.sin(2 * np.pi * f1 * t) + np.sin(2 * np.pi * f2 * t)) * 0.5).astype(np.float32)))
            parts.append(np.zeros(int(RATE * min(off, 1.0)), dtype=np.float32))
    return normalise_peak(trim_silence(np.concatenate(parts), 1e-4))


def beep(rng: np.random.Generator) -> np.ndarray:
    f = float(rng.uniform(600, 3500))
    on = float(rng.uniform(0.06, 0.3))
    gap = float(rng.uniform(0.06, 0.3))
    parts = []
    for _ in range(int(rng.integers(1, 6))):
        parts.append(fade(np.sin(2 * np.pi * f * _t(on)).astype(np.float32), 3))
        parts.append(np.zeros(int(RATE * gap), dtype=np.float32))
    return normalise_peak(np.concatenate(parts[:-1]))


def buzzer(rng: np.random.Generator) -> np.ndarray:
    f = float(rng.uniform(80, 320))
    t = _t(float(rng.uniform(0.4, 2.5)))
    x = np.sign(np.sin(2 * np.pi * f * t)) * 0.7 + 0.3 * (2 * ((f * t) % 1.0) - 1)
    return fade(normalise_peak(x.astype(np.float32)))


def ticktock(rng: np.random.Generator) -> np.ndarray:
    period = float(rng.uniform(0.45, 1.05))
    n = int(rng.integers(3, 9))
    f_tick, f_tock = float(rng.uniform(2000, 4000)), float(rng.uniform(1200, 2400))
    x = np.zeros(int(RATE * period * n) + RATE // 10, dtype=np.float32)
    click_t = _t(0.03)
    for i in range(n):
        f = f_tick if i % 2 == 0 else f_tock
        click = np.sin(2 * np.pi * f * click_t) * np.exp(-click_t * 200)
        at = int(RATE * period * i)
        x[at:at + len(click)] += click.astype(np.float32)
    return normalise_peak(x)


def bell(rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:
        # tubular bells or a glockenspiel through fluidsynth
        program = int(rng.choice([14, 9, 112]))
        notes = [(float(i) * float(rng.uniform(0.5, 1.2)), 1.5, int(rng.integers(60, 84)), 110)
                 for i in range(int(rng.integers(1, 4)))]
        return render_midi(midi_file(notes, program))
    # a struck bell: inharmonic partials with exponential decay
    f0 = float(rng.uniform(250, 900))
    t = _t(float(rng.uniform(1.5, 3.5)))
    x = np.zeros_like(t)
    for ratio, amp, decay in ((0.5, 0.5, 1.2), (1.0, 1.0, 1.8), (1.19, 0.6, 2.2), (1.5, 0.4, 2.8), (2.0, 0.5, 3.5),
                              (2.74, 0.3, 4.5), (3.0, 0.2, 5.0)):
        x += amp * np.sin(2 * np.pi * f0 * ratio * t) * np.exp(-t * decay)
    return fade(normalise_peak(x.astype(np.float32)))


SOURCES: Dict[str, Callable[[np.random.Generator, bool], np.ndarray]] = {
    "speech": speech,
    "piano": lambda r, h: melody(r, "piano"),
    "guitar": lambda r, h: melody(r, "guitar"),
    "violin": lambda r, h: melody(r, "violin"),
    "flute": lambda r, h: melody(r, "flute"),
    "drums": lambda r, h: drums(r),
    "bell": lambda r, h: bell(r),
    "siren": lambda r, h: siren(r),
    "telephone": lambda r, h: telephone(r),
    "beep": lambda r, h: beep(r),
    "buzzer": lambda r, h: buzzer(r),
    "ticktock": lambda r, h: ticktock(r),
}


def source_bank(kind: str, count: int, seed: int, held_out: bool) -> List[np.ndarray]:
    """``count`` renderings of a source kind from one seed: the same seed gives the same audio."""
    rng = np.random.default_rng([seed, list(KINDS).index(kind), 1 if held_out else 0])
    out = []
    for _ in range(count):
        x = SOURCES[kind](rng, held_out)
        out.append(x[: int(RATE * 5.0)])
    return out


# ------------------------------------------------------------------------------------------------------------
# backgrounds and clips
# ------------------------------------------------------------------------------------------------------------

def background(rng: np.random.Generator, n: int) -> np.ndarray:
    kind = int(rng.integers(4))
    white = rng.standard_normal(n)
    if kind == 0:
        x = white
    elif kind == 1:  # pink-ish: first-order smoothing of white noise, plus some white
        a = 0.95
        x = np.empty(n)
        acc = 0.0
        for i in range(0, n, 4096):
            seg = white[i:i + 4096]
            y = np.empty_like(seg)
            for j, v in enumerate(seg):
                acc = a * acc + (1 - a) * v
                y[j] = acc
            x[i:i + 4096] = y
        x = x * 4 + white * 0.2
    elif kind == 2:  # brown-ish rumble
        x = np.cumsum(white)
        x = x - np.convolve(x, np.ones(801) / 801, mode="same")
    else:  # near-silence with a hum
        t = np.arange(n) / RATE
        f = float(rng.choice([50, 60]))
        x = 0.3 * white + np.sin(2 * np.pi * f * t) + 0.5 * np.sin(2 * np.pi * 3 * f * t)
    x = x / (np.std(x) + 1e-9)
    level = 10 ** (float(rng.uniform(-55, -28)) / 20)
    return (x * level).astype(np.float32)


def mix_clip(rng: np.random.Generator, banks: Dict[str, List[np.ndarray]], seconds: float = CLIP_SECONDS,
             max_events: int = 4) -> Clip:
    n = int(round(RATE * seconds))
    audio = background(rng, n)
    events = []
    count = int(rng.integers(0, max_events + 1)) if rng.random() > 0.05 else 0
    for _ in range(count):
        kind = list(banks)[int(rng.integers(len(banks)))]
        src = banks[kind][int(rng.integers(len(banks[kind])))]
        length = min(len(src), int(RATE * float(rng.uniform(0.6, 4.0))))
        if length >= n:
            length = n - 1
        start = int(rng.integers(0, n - length))
        piece = fade(src[:length])
        gain = 10 ** (float(rng.uniform(-14, 0)) / 20)
        audio[start:start + length] += piece * gain * 0.5
        events.append(Event(kind, start / RATE, (start + length) / RATE))
    peak = float(np.max(np.abs(audio)))
    if peak > 0.99:
        audio = audio * (0.99 / peak)
    return Clip(audio.astype(np.float32), sorted(events, key=lambda e: e.onset), seconds)


def clip_targets(clip: Clip, columns: int = 64, column_seconds: float = 0.16) -> Tuple[np.ndarray, np.ndarray]:
    """Clip labels [C] and per-column labels [columns, C]: a column counts when an event covers half of it."""
    clip_y = np.zeros(len(NAMES), dtype=np.float32)
    frame_y = np.zeros((columns, len(NAMES)), dtype=np.float32)
    for e in clip.events:
        for name in e.classes():
            c = INDEX[name]
            clip_y[c] = 1
            for k in range(columns):
                a, b = k * column_seconds, (k + 1) * column_seconds
                if min(b, e.offset) - max(a, e.onset) >= column_seconds / 2:
                    frame_y[k, c] = 1
    return clip_y, frame_y


def fingerprint(arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--bank", type=int, default=40, help="renderings per source kind and split")
    ap.add_argument("--train", type=int, default=2400)
    ap.add_argument("--val", type=int, default=400)
    ap.add_argument("--test", type=int, default=400)
    args = ap.parse_args(argv)
    from avstream_models import audio_features  # torch/torchaudio only here
    os.makedirs(args.out, exist_ok=True)
    summary = {"seed": args.seed, "labels": LABELS, "splits": {}}
    for split, count, held_out, seed in (("train", args.train, False, args.seed),
                                          ("val", args.val, True, args.seed + 1000),
                                          ("test", args.test, True, args.seed + 2000)):
        banks = {k: source_bank(k, args.bank, seed, held_out) for k in KINDS}
        rng = np.random.default_rng([seed, 99])
        feats = np.zeros((count, 1024, 128), dtype=np.float16)
        clip_y = np.zeros((count, len(NAMES)), dtype=np.float32)
        frame_y = np.zeros((count, 64, len(NAMES)), dtype=np.float32)
        events = []
        for i in range(count):
            seconds = CLIP_SECONDS if rng.random() > 0.15 else float(rng.uniform(1.0, CLIP_SECONDS))
            clip = mix_clip(rng, banks, seconds)
            feats[i] = audio_features.fbank_1024(clip.audio).numpy().astype(np.float16)
            clip_y[i], frame_y[i] = clip_targets(clip)
            events.append([[e.kind, round(e.onset, 4), round(e.offset, 4)] for e in clip.events])
        np.save(os.path.join(args.out, f"{split}_fbank.npy"), feats)
        np.save(os.path.join(args.out, f"{split}_clip.npy"), clip_y)
        np.save(os.path.join(args.out, f"{split}_frames.npy"), frame_y)
        with open(os.path.join(args.out, f"{split}_events.json"), "w") as f:
            json.dump(events, f)
        summary["splits"][split] = {"clips": count, "held_out_sources": held_out,
                                    "positives": {n: int(clip_y[:, i].sum()) for i, n in enumerate(NAMES)},
                                    "sha256": fingerprint([feats, clip_y, frame_y])}
        print(f"{split}: {count} clips, positives {summary['splits'][split]['positives']}", flush=True)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
