"""A recording with known audio events at known times, for the audio-event demo and the end-to-end test.

    cd models/python && /usr/bin/python3 -m avstream_models.event_recording --out ../../tools/src/main/resources/demo

One event of each source kind (speech, piano, guitar, violin, flute, drums, bell, siren, telephone, beep, buzzer,
tick-tock) from the held-out sources of the test split (voices, phrases and seeds no training clip uses), in a seeded
order, one after another with 1.2-2 s of background between them, over a quiet noise floor. Writes
``audio-events.wav`` (16 kHz mono int16) and ``audio-events.json``: the sample rate, the length, the events as laid
out (kind, AudioSet classes, onset, offset in seconds, the source's audible part) and the truth per class as the
event rule counts it (one event per class and source; an instrument is also Music).
"""
from __future__ import annotations

import argparse
import json
import os
import wave

import numpy as np

from avstream_models.audio_events_data import INDEX, KINDS, LABELS, RATE, fade, source_bank, trim_silence

TEST_SEED = 17 + 2000  # the test split's seed in audio_events_data.main (held-out sources)


def build(seed: int, gap=(1.2, 2.0), max_event_seconds: float = 3.5):
    rng = np.random.default_rng([seed, 7])
    kinds = list(KINDS)
    order = [kinds[i] for i in rng.permutation(len(kinds))]
    pieces = []
    for kind in order:
        bank = source_bank(kind, 4, TEST_SEED, held_out=True)
        src = bank[int(rng.integers(len(bank)))]
        piece = trim_silence(src[: int(RATE * max_event_seconds)], 0.02)
        pieces.append((kind, fade(piece) * float(10 ** (rng.uniform(-6, 0) / 20)) * 0.5))
    lead = 1.0
    total = lead + sum(len(p) / RATE + float(rng.uniform(*gap)) for _, p in pieces)
    n = int(round(total * RATE))
    t = np.arange(n) / RATE
    floor = (rng.standard_normal(n) * 10 ** (-50 / 20) + 10 ** (-50 / 20) * np.sin(2 * np.pi * 50 * t)).astype(np.float32)
    audio = floor.copy()
    events = []
    at = int(lead * RATE)
    for kind, piece in pieces:
        audio[at:at + len(piece)] += piece
        events.append({"kind": kind, "classes": KINDS[kind], "onset": round(at / RATE, 4),
                       "offset": round((at + len(piece)) / RATE, 4)})
        at += len(piece) + int(RATE * float(rng.uniform(*gap)))
    peak = float(np.max(np.abs(audio)))
    if peak > 0.99:
        audio *= 0.99 / peak
    truth = sorted(((INDEX[c], c, e["onset"], e["offset"]) for e in events for c in e["classes"]), key=lambda x: (x[2], x[0]))
    return audio, events, truth


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    audio, events, truth = build(args.seed)
    os.makedirs(args.out, exist_ok=True)
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype("<i2")
    with wave.open(os.path.join(args.out, "audio-events.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    labels = {name: {"index": i, "mid": mid} for i, (_, mid, name) in enumerate(LABELS)}
    with open(os.path.join(args.out, "audio-events.json"), "w") as f:
        json.dump({"made_by": "models/python/avstream_models/event_recording.py --seed %d" % args.seed,
                   "sample_rate": RATE, "seconds": round(len(audio) / RATE, 4), "events": events,
                   "truth": [{"class": c, "label": name, "mid": labels[name]["mid"], "onset": on, "offset": off}
                             for c, name, on, off in truth]}, f, indent=1)
    print(f"{len(audio) / RATE:.1f} s, {len(events)} events, {len(truth)} class events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
