"""Audio-visual clips for the small audio-visual model, made by the project, reproducibly.

Each clip is the audio of an audio-event clip (audio_events_data: the same 13 classes, sources and backgrounds)
and the video of one camera watching the sources: every source kind has its own object (a shape in a colour, some
animated: a siren's light flashes, a clock's hand turns), drawn while its event sounds, at a place and size of its
own, over a coloured background with moving clutter that belongs to no class. The picture carries what the sound
alone does not:

- faint events: about 40 % of the events that overlap the clip's middle 4 s sound 30-45 dB below the others (at or
  under the background noise), while their object is in plain view;
- hidden sources: about 10 % of events sound normally with their object out of view (so the sound still counts).

With ``--sequence-share S``, a share S of the training clips are cuts from longer scenes instead: events one after
another with 0.3-2.5 s between them from before the clip's start, as a camera's stream has them (the job's windows
are cuts of a stream), rather than 0-4 events at random places.

The model sees MAViL's video input, the 4 s centred in the clip (8 frames at 2 fps, AV-SUPERB's sampling): those
frames are rendered at the capture size (320 x 240), JPEG-encoded as the capture path does, and kept as JPEG bytes;
training decodes them and applies the job's preprocessing (bilinear resize to 224 x 224, ImageNet normalisation).
Frame times jitter by up to a quarter of a frame period, as a stream's nearest frames do.

Splits are by source as in audio_events_data (validation and test use held-out voices, melodies and seeds), and by
picture: the test clips draw objects at sizes and backgrounds from their own seeds.

    /usr/bin/python3 -m avstream_models.av_data --out /tmp/av-data   (from models/python)

``--media FILE.mkv --seed N`` writes instead one media file (Matroska: Motion JPEG at 2 fps and 16 kHz FLAC) of a
scene with one event of each kind at known times (held-out sources, some faint), for the job's tests and demo, and
its description next to it (FILE.json: events and the truth per class, as event_recording's):

    cd models/python && /usr/bin/python3 -m avstream_models.av_data --media ../../tools/src/main/resources/demo/audio-visual.mkv --seed 5
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from avstream_models.audio_events_data import (CLIP_SECONDS, INDEX, KINDS, LABELS, NAMES, RATE, Clip, Event,
                                               background, clip_targets, fade, fingerprint, source_bank)

WIDTH, HEIGHT = 320, 240
FPS = 2.0
FRAMES = 8                       # MAViL: 8 frames at 2 fps, the 4 s centred in the clip
JPEG_QUALITY = 85                # MediaCapture's default (0.85)
FAINT_DB = (-45.0, -30.0)
FAINT_SHARE = 0.4
HIDDEN_SHARE = 0.1

# each kind's object: shape and colour (RGB)
OBJECTS: Dict[str, Tuple[str, Tuple[int, int, int]]] = {
    "speech": ("face", (232, 184, 140)),
    "piano": ("keys", (250, 250, 250)),
    "guitar": ("diamond", (150, 90, 40)),
    "violin": ("ellipse", (130, 20, 30)),
    "flute": ("bar", (200, 205, 215)),
    "drums": ("ring", (220, 40, 40)),
    "bell": ("triangle", (230, 190, 30)),
    "siren": ("flash", (240, 20, 20)),
    "telephone": ("square", (30, 170, 60)),
    "beep": ("dot", (80, 160, 255)),
    "buzzer": ("cross", (255, 140, 0)),
    "ticktock": ("clock", (245, 245, 235)),
}


@dataclass
class Sighting:
    """Where an event's object is: centre (x, y) at onset, drift per second, radius; hidden when out of view."""
    x: float
    y: float
    dx: float
    dy: float
    r: float
    hidden: bool


@dataclass
class Scene:
    """A background and clutter for a whole clip."""
    top: np.ndarray
    bottom: np.ndarray
    clutter: List[Tuple[float, float, float, float, float, int]] = field(default_factory=list)  # x, y, dx, dy, r, grey


def new_scene(rng: np.random.Generator) -> Scene:
    top = rng.uniform(20, 200, 3)
    bottom = rng.uniform(20, 200, 3)
    clutter = [(float(rng.uniform(0, WIDTH)), float(rng.uniform(0, HEIGHT)), float(rng.uniform(-30, 30)),
                float(rng.uniform(-20, 20)), float(rng.uniform(8, 30)), int(rng.integers(60, 180)))
               for _ in range(int(rng.integers(0, 4)))]
    return Scene(top, bottom, clutter)


def new_sighting(rng: np.random.Generator, hidden: bool) -> Sighting:
    r = float(rng.uniform(16, 40))
    return Sighting(float(rng.uniform(r, WIDTH - r)), float(rng.uniform(r, HEIGHT - r)), float(rng.uniform(-12, 12)),
                    float(rng.uniform(-8, 8)), r, hidden)


_Y, _X = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)


def _mask(shape: str, cx: float, cy: float, r: float, t: float) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """The object's pixels, and (for two-tone objects) the pixels drawn dark on it."""
    dx, dy = _X - cx, _Y - cy
    ax, ay = np.abs(dx), np.abs(dy)
    dark = None
    if shape == "face":
        m = dx * dx + dy * dy <= r * r
        dark = m & (ay - r * 0.35 <= r * 0.08) & (dy > r * 0.2) & (ax <= r * 0.45)
        dark |= m & ((dx + r * 0.35) ** 2 + (dy + r * 0.3) ** 2 <= (r * 0.12) ** 2)
        dark |= m & ((dx - r * 0.35) ** 2 + (dy + r * 0.3) ** 2 <= (r * 0.12) ** 2)
    elif shape == "keys":
        m = (ax <= r) & (ay <= r * 0.5)
        dark = m & (dy < 0) & (((dx + r) / (r / 4)).astype(np.int32) % 2 == 1)
    elif shape == "diamond":
        m = ax + ay <= r
    elif shape == "ellipse":
        m = (dx / (r * 0.5)) ** 2 + (dy / r) ** 2 <= 1
    elif shape == "bar":
        m = (ax <= r) & (ay <= r * 0.15)
    elif shape == "ring":
        d = dx * dx + dy * dy
        m = (d <= r * r) & (d >= (r * 0.6) ** 2)
    elif shape == "triangle":
        m = (dy <= r * 0.7) & (dy >= -r) & (ax <= (dy + r) * 0.6)
    elif shape == "flash":
        m = (ax <= r * 0.7) & (ay <= r * 0.7)
    elif shape == "square":
        m = (ax <= r * 0.8) & (ay <= r * 0.55)
    elif shape == "dot":
        m = dx * dx + dy * dy <= (r * 0.45) ** 2
    elif shape == "cross":
        m = ((ax <= r) & (ay <= r * 0.25)) | ((ay <= r) & (ax <= r * 0.25))
    elif shape == "clock":
        m = dx * dx + dy * dy <= r * r
        a = 2 * np.pi * t / 4.0
        ux, uy = np.sin(a), -np.cos(a)
        along = dx * ux + dy * uy
        across = np.abs(dx * uy - dy * ux)
        dark = m & (along >= 0) & (along <= r * 0.85) & (across <= r * 0.1)
    else:
        raise ValueError(shape)
    return m, dark


def render(scene: Scene, events: List[Event], sightings: List[Sighting], t: float) -> np.ndarray:
    """The camera's RGB frame [240, 320, 3] uint8 at time t (seconds into the clip)."""
    a = (_Y / (HEIGHT - 1))[..., None]
    img = scene.top[None, None, :] * (1 - a) + scene.bottom[None, None, :] * a
    for x, y, dx, dy, r, grey in scene.clutter:
        cx, cy = (x + dx * t) % WIDTH, (y + dy * t) % HEIGHT
        m = (_X - cx) ** 2 / 1.6 + (_Y - cy) ** 2 <= r * r
        img[m] = grey
    for e, s in zip(events, sightings):
        if s.hidden or not (e.onset <= t < e.offset):
            continue
        shape, colour = OBJECTS[e.kind]
        el = t - e.onset
        cx = float(np.clip(s.x + s.dx * el, s.r, WIDTH - s.r))
        cy = float(np.clip(s.y + s.dy * el, s.r, HEIGHT - s.r))
        m, dark = _mask(shape, cx, cy, s.r, t)
        c = np.array(colour, dtype=np.float32)
        if shape == "flash" and int(t * 2) % 2 == 1:
            c = np.array((20, 40, 240), dtype=np.float32)
        if shape == "dot" and int(t * 4) % 2 == 1:
            c = c * 0.6
        img[m] = c
        if dark is not None:
            img[dark] = 25
    return np.clip(img, 0, 255).astype(np.uint8)


def jpeg(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def decode_jpeg(data: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def frame_times(centre: float) -> List[float]:
    """MAViL's 8 frame times for a window centred at ``centre``: 2 fps over the 4 s around it."""
    return [centre - FRAMES / FPS / 2 + k / FPS for k in range(FRAMES)]


def mix_av_clip(rng: np.random.Generator, banks: Dict[str, List[np.ndarray]], seconds: float = CLIP_SECONDS,
                max_events: int = 4, sequence: bool = False) -> Tuple[Clip, List[Sighting], List[bool]]:
    """An audio-event clip whose events the camera sees: the audio, events, their sightings and which are faint.
    Events are placed at random (0 to ``max_events``, overlapping), or with ``sequence`` one after another with
    0.3-2.5 s between them from before the clip's start to its end, as a cut from a longer scene."""
    n = int(round(RATE * seconds))
    audio = background(rng, n)
    centre = seconds / 2
    lo, hi = centre - FRAMES / FPS / 2, centre + FRAMES / FPS / 2
    events, sightings, faint = [], [], []
    if sequence:    # a cut from a longer scene: events one after another, as a camera's stream has them
        t = float(rng.uniform(-2.5, 1.0))
        while t < seconds - 0.3:
            kind = list(banks)[int(rng.integers(len(banks)))]
            src = banks[kind][int(rng.integers(len(banks[kind])))]
            piece = fade(src[:min(len(src), int(RATE * float(rng.uniform(0.6, 3.5))))])
            start = int(round(t * RATE))
            a, b = max(0, start), min(n, start + len(piece))
            onset, offset = a / RATE, b / RATE
            t = (start + len(piece)) / RATE + float(rng.uniform(0.3, 2.5))
            if b - a < int(0.1 * RATE):
                continue
            in_view = min(offset, hi) - max(onset, lo) >= 0.5
            is_faint = in_view and rng.random() < FAINT_SHARE
            hidden = (not is_faint) and rng.random() < HIDDEN_SHARE
            gain = 10 ** (float(rng.uniform(*FAINT_DB) if is_faint else rng.uniform(-14, 0)) / 20)
            audio[a:b] += piece[a - start:b - start] * gain * 0.5
            events.append(Event(kind, onset, offset))
            sightings.append(new_sighting(rng, hidden))
            faint.append(is_faint)
    count = 0 if sequence else int(rng.integers(0, max_events + 1)) if rng.random() > 0.05 else 0
    for _ in range(count):
        kind = list(banks)[int(rng.integers(len(banks)))]
        src = banks[kind][int(rng.integers(len(banks[kind])))]
        length = min(len(src), int(RATE * float(rng.uniform(0.6, 4.0))), n - 1)
        if rng.random() < 0.6:    # overlapping the video's 4 s
            first = max(0, int(RATE * lo) - length + int(0.3 * RATE))
            last = min(n - length, int(RATE * hi) - int(0.3 * RATE))
            start = int(rng.integers(first, max(first + 1, last)))
        else:
            start = int(rng.integers(0, n - length))
        onset, offset = start / RATE, (start + length) / RATE
        in_view = min(offset, hi) - max(onset, lo) >= 0.5
        is_faint = in_view and rng.random() < FAINT_SHARE
        hidden = (not is_faint) and rng.random() < HIDDEN_SHARE
        gain = 10 ** (float(rng.uniform(*FAINT_DB) if is_faint else rng.uniform(-14, 0)) / 20)
        audio[start:start + length] += fade(src[:length]) * gain * 0.5
        events.append(Event(kind, onset, offset))
        sightings.append(new_sighting(rng, hidden))
        faint.append(is_faint)
    peak = float(np.max(np.abs(audio)))
    if peak > 0.99:
        audio = audio * (0.99 / peak)
    order = sorted(range(len(events)), key=lambda i: events[i].onset)
    return (Clip(audio.astype(np.float32), [events[i] for i in order], seconds), [sightings[i] for i in order],
            [faint[i] for i in order])


def clip_frames(rng: np.random.Generator, clip: Clip, sightings: List[Sighting], scene: Scene) -> List[bytes]:
    """The 8 JPEG frames of the clip's middle 4 s, each at its slot's time jittered by up to 1/4 frame period."""
    out = []
    for t in frame_times(clip.seconds / 2):
        tj = t + float(rng.uniform(-0.25, 0.25)) / FPS
        out.append(jpeg(render(scene, clip.events, sightings, tj)))
    return out


_BANKS: Dict[str, List[np.ndarray]] = {}


def _make_clip(job: Tuple[int, int, float]):
    """Clip ``i`` of the split seeded ``s`` from the banks in _BANKS: its own generator, so that clips do not depend
    on how they are shared among processes."""
    from avstream_models import audio_features  # torch/torchaudio only here
    s, i, sequence_share = job
    rng = np.random.default_rng([s, 77, i])
    sequence = sequence_share > 0 and np.random.default_rng([s, 78, i]).random() < sequence_share
    clip, sightings, faint = mix_av_clip(rng, _BANKS, sequence=sequence)
    feats = audio_features.fbank_1024(clip.audio).numpy().astype(np.float16)
    clip_y, frame_y = clip_targets(clip)
    loud = {c for e, f in zip(clip.events, faint) if not f for c in e.classes()}
    faint_y = np.zeros(len(NAMES), dtype=np.float32)
    for e, f in zip(clip.events, faint):
        for c in e.classes():
            if f and c not in loud:
                faint_y[INDEX[c]] = 1    # clip classes that only a faint event makes (the ones the picture must find)
    jpegs = clip_frames(rng, clip, sightings, new_scene(rng))
    events = [[e.kind, round(e.onset, 4), round(e.offset, 4), int(f), int(sg.hidden)]
              for e, f, sg in zip(clip.events, faint, sightings)]
    return feats, clip_y, frame_y, faint_y, jpegs, events


SPLITS = (("train", False, 0), ("val", True, 1000), ("test", True, 2000))


def split_banks(seed: int, bank: int, split: str, saved: Optional[str] = None) -> Dict[str, List[np.ndarray]]:
    """The source renderings of a split: rendered (fluidsynth, espeak-ng, flite, sox), or read from ``saved``
    (written by --save-banks; several files, comma-separated, are parts whose renderings follow one another) where
    the split is in it."""
    held_out, offset = {n: (h, o) for n, h, o in SPLITS}[split]
    read: Dict[str, List[np.ndarray]] = {k: [] for k in KINDS}
    for path in (saved or "").split(","):
        if not path:
            continue
        with np.load(path) as z:
            if f"{split}/speech" not in z:
                continue
            for k in KINDS:
                samples, offsets = z[f"{split}/{k}"], z[f"{split}/{k}.offsets"]
                read[k] += [samples[int(a):int(b)].astype(np.float32) / 32767.0
                            for a, b in zip(offsets[:-1], offsets[1:])]
    if read["speech"]:
        return read
    return {k: source_bank(k, bank, seed + offset, held_out) for k in KINDS}


def save_banks(path: str, seed: int, bank: int, splits: List[str], first: int = 0) -> None:
    """Renders the splits' source banks once and keeps them as 16-bit samples, for a machine without the renderers;
    with ``first``, only the renderings from that one on (a part: the renderings do not depend on how many follow)."""
    arrays = {}
    for split in splits:
        for k, xs in split_banks(seed, bank, split).items():
            xs = xs[first:]
            arrays[f"{split}/{k}"] = np.concatenate([np.round(np.clip(x, -1, 1) * 32767).astype(np.int16) for x in xs])
            arrays[f"{split}/{k}.offsets"] = np.cumsum([0] + [len(x) for x in xs]).astype(np.int64)
    np.savez_compressed(path, **arrays)


def write_splits(out: str, seed: int, bank: int, counts: Dict[str, int], workers: int = 1,
                 banks: Optional[str] = None, sequence_share: float = 0.0) -> dict:
    """Writes the splits named in ``counts`` (clip counts) to ``out``, clips made by ``workers`` processes, a
    ``sequence_share`` of them cuts from longer scenes (mix_av_clip's ``sequence``)."""
    import multiprocessing
    global _BANKS
    os.makedirs(out, exist_ok=True)
    summary = {"seed": seed, "labels": LABELS, "sequence_share": sequence_share, "splits": {}}
    for split, held_out, offset in SPLITS:
        if split not in counts:
            continue
        count, s = counts[split], seed + offset
        _BANKS = split_banks(seed, bank, split, banks)
        jobs = [(s, i, sequence_share) for i in range(count)]
        if workers > 1:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                made = pool.map(_make_clip, jobs, chunksize=16)
        else:
            made = [_make_clip(j) for j in jobs]
        feats = np.stack([m[0] for m in made])
        clip_y = np.stack([m[1] for m in made])
        frame_y = np.stack([m[2] for m in made])
        faint_y = np.stack([m[3] for m in made])
        jpegs: List[bytes] = [j for m in made for j in m[4]]
        events = [m[5] for m in made]
        offsets = np.cumsum([0] + [len(j) for j in jpegs]).astype(np.int64)
        np.save(os.path.join(out, f"{split}_fbank.npy"), feats)
        np.save(os.path.join(out, f"{split}_clip.npy"), clip_y)
        np.save(os.path.join(out, f"{split}_frames.npy"), frame_y)
        np.save(os.path.join(out, f"{split}_faint.npy"), faint_y)
        np.save(os.path.join(out, f"{split}_jpeg.npy"), np.frombuffer(b"".join(jpegs), dtype=np.uint8))
        np.save(os.path.join(out, f"{split}_jpeg_offsets.npy"), offsets)
        with open(os.path.join(out, f"{split}_events.json"), "w") as f:
            json.dump(events, f)
        summary["splits"][split] = {"clips": count, "held_out_sources": held_out,
                                    "renderings_per_kind": {k: len(v) for k, v in _BANKS.items()},
                                    "positives": {n: int(clip_y[:, i].sum()) for i, n in enumerate(NAMES)},
                                    "faint_only_positives": int(faint_y.sum()),
                                    "sha256": fingerprint([feats, clip_y, frame_y, offsets])}
        print(f"{split}: {count} clips, {int(faint_y.sum())} faint-only labels", flush=True)
    before = read_summary(out)    # splits written before, by another run
    summary["splits"] = {**before.get("splits", {}), **summary["splits"]}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def read_summary(data: str) -> dict:
    """The data folder's summary.json (write_splits), or {} where there is none."""
    path = os.path.join(data, "summary.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def load_video(data: str, split: str):
    """The JPEG bytes of a split: (buffer, offsets); clip i's frame k is buffer[offsets[8i+k]:offsets[8i+k+1]]."""
    return (np.load(os.path.join(data, f"{split}_jpeg.npy"), mmap_mode="r"),
            np.load(os.path.join(data, f"{split}_jpeg_offsets.npy")))


def clip_jpegs(video, i: int) -> List[bytes]:
    buf, off = video
    return [bytes(buf[off[FRAMES * i + k]:off[FRAMES * i + k + 1]]) for k in range(FRAMES)]


# ------------------------------------------------------------------------------------------------------------
# one long media file with known events
# ------------------------------------------------------------------------------------------------------------

@dataclass
class Recording:
    """A long scene with known events: 16 kHz mono audio, 2 fps frames (times, JPEG bytes), the events as laid out
    (faint or not) and the truth per class (class index, label, onset, offset)."""
    audio: np.ndarray
    frame_times: List[float]
    jpegs: List[bytes]
    events: List[Event]
    faint: List[bool]
    truth: List[Tuple[int, str, float, float]]
    seconds: float


def recording(seed: int, rounds: int = 1, faint_share: float = 0.3, bank_seed: Optional[int] = None,
              gap=(1.5, 2.5), lead: float = 1.0) -> Recording:
    """A scene with ``rounds`` events of each source kind one after another, each round in its own seeded order, with
    ``gap`` seconds between them after ``lead`` seconds of the scene alone, some faint while their object is in view
    (held-out sources of the test split, as event_recording's, unless ``bank_seed`` names others). The audio is
    quantised to 16 bits as a file keeps it."""
    from avstream_models.event_recording import TEST_SEED
    rng = np.random.default_rng([seed, 5])
    kinds = list(KINDS)
    banks = {k: source_bank(k, 4, TEST_SEED if bank_seed is None else bank_seed, True) for k in kinds}
    pieces = []
    for _ in range(rounds):
        for kind in [kinds[i] for i in rng.permutation(len(kinds))]:
            bank = banks[kind]
            pieces.append((kind, bank[int(rng.integers(len(bank)))][: int(RATE * 3.5)]))
    gaps = [float(rng.uniform(*gap)) for _ in pieces]
    seconds = lead + sum(len(p) / RATE + g for (_, p), g in zip(pieces, gaps))
    n = int(round(seconds * RATE))
    audio = background(rng, n) * 0.3
    events, sightings, faint = [], [], []
    t = lead
    for (kind, src), g in zip(pieces, gaps):
        start = int(t * RATE)
        is_faint = rng.random() < faint_share
        gain = 10 ** (float(rng.uniform(*FAINT_DB) if is_faint else rng.uniform(-6, 0)) / 20)
        audio[start:start + len(src)] += fade(src) * gain * 0.5
        events.append(Event(kind, start / RATE, (start + len(src)) / RATE))
        sightings.append(new_sighting(rng, False))
        faint.append(bool(is_faint))
        t = (start + len(src)) / RATE + g
    peak = float(np.max(np.abs(audio)))
    if peak > 0.99:
        audio *= 0.99 / peak
    audio = (np.clip(audio, -1, 1) * 32767).astype("<i2").astype(np.float32) / 32768.0
    scene = new_scene(rng)
    times = [k / FPS for k in range(int(seconds * FPS))]
    jpegs = [jpeg(render(scene, events, sightings, tk)) for tk in times]
    truth = sorted(((INDEX[c], c, round(e.onset, 4), round(e.offset, 4)) for e in events for c in e.classes()),
                   key=lambda x: (x[2], x[0]))
    return Recording(audio, times, jpegs, events, faint, truth, seconds)


def write_media(path: str, seed: int, faint_share: float = 0.3, rounds: int = 1, lead: float = 1.0,
                bank_seed: Optional[int] = None) -> dict:
    """``recording(seed, rounds, lead=lead, bank_seed=bank_seed)`` as Matroska (Motion JPEG 320x240 at 2 fps, FLAC
    16 kHz mono); writes and returns its description (``path`` with ``.json`` for ``.mkv``): length, events as laid
    out, and the truth per class."""
    rec = recording(seed, rounds, faint_share, bank_seed=bank_seed, lead=lead)
    with tempfile.TemporaryDirectory() as tmp:
        for k, data in enumerate(rec.jpegs):
            with open(os.path.join(tmp, f"f{k:06d}.jpg"), "wb") as f:
                f.write(data)
        wav = os.path.join(tmp, "a.wav")
        with wave.open(wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(np.round(rec.audio * 32768.0).astype("<i2").tobytes())
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-framerate", str(FPS), "-i", os.path.join(tmp, "f%06d.jpg"),
                        "-i", wav, "-c:v", "copy", "-c:a", "flac", "-shortest", path], check=True)
    mids = {name: mid for _, mid, name in LABELS}
    made_by = (f"models/python/avstream_models/av_data.py --media FILE --seed {seed}"
               + (f" --rounds {rounds}" if rounds > 1 else "") + (f" --lead {lead:g}" if lead != 1.0 else "")
               + (f" --bank-seed {bank_seed}" if bank_seed is not None else ""))
    desc = {"made_by": made_by, "sample_rate": RATE,
            "fps": FPS, "size": [WIDTH, HEIGHT], "seconds": round(rec.seconds, 4),
            "events": [{"kind": e.kind, "classes": e.classes(), "onset": round(e.onset, 4), "offset": round(e.offset, 4),
                        "faint": f} for e, f in zip(rec.events, rec.faint)],
            "truth": [{"class": c, "label": name, "mid": mids[name], "onset": on, "offset": off}
                      for c, name, on, off in rec.truth]}
    with open(os.path.splitext(path)[0] + ".json", "w") as f:
        json.dump(desc, f, indent=1)
        f.write("\n")
    return desc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--bank", type=int, default=40, help="renderings per source kind and split")
    ap.add_argument("--train", type=int, default=2400)
    ap.add_argument("--val", type=int, default=400)
    ap.add_argument("--test", type=int, default=400)
    ap.add_argument("--media", help="write one media file (.mkv) of a scene with known events instead")
    ap.add_argument("--rounds", type=int, default=1, help="--media: events of each kind in the scene")
    ap.add_argument("--lead", type=float, default=1.0, help="--media: seconds of the scene before the first event")
    ap.add_argument("--bank-seed", type=int,
                    help="--media: seed of the held-out source renderings (default: the audio-event test split's)")
    ap.add_argument("--splits", default="train,val,test", help="the splits to write")
    ap.add_argument("--sequence-share", type=float, default=0.0,
                    help="share of the clips cut from longer scenes, events one after another")
    ap.add_argument("--workers", type=int, default=1, help="processes making clips (the clips do not depend on it)")
    ap.add_argument("--save-banks", help="only render the splits' sources and save them to this .npz")
    ap.add_argument("--bank-from", type=int, default=0,
                    help="--save-banks: keep the renderings from this one on (a part of the bank)")
    ap.add_argument("--banks", help="read the splits' sources from this .npz (--save-banks; parts: comma-separated, "
                                    "in order) instead of rendering them")
    args = ap.parse_args(argv)
    splits = [x for x in args.splits.split(",") if x]
    if args.media:
        desc = write_media(args.media, args.seed, rounds=args.rounds, lead=args.lead, bank_seed=args.bank_seed)
        print(f"{desc['seconds']:.1f} s, {len(desc['events'])} events ({sum(e['faint'] for e in desc['events'])} faint) "
              f"in {args.media}")
        return 0
    if not args.out and not args.save_banks:
        ap.error("--out, --save-banks or --media is needed")
    if args.save_banks:
        save_banks(args.save_banks, args.seed, args.bank, splits, args.bank_from)
        return 0
    counts = {"train": args.train, "val": args.val, "test": args.test}
    write_splits(args.out, args.seed, args.bank, {k: counts[k] for k in splits}, args.workers, args.banks,
                 args.sequence_share)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
