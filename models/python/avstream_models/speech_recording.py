"""A recording of speech with known silences, for voice-activity tests and the speech demo.

    cd models/python && /usr/bin/python3 -m avstream_models.speech_recording --out ../src/test/resources/speech

The demo's recording (the same phrases, none of which the speech model trained on, by voices it never heard;
converted to FLAC for tools/src/main/resources/demo/speech.flac):

    /usr/bin/python3 -m avstream_models.speech_recording --out /tmp/demo --name speech \
        --voices espeak-ng:en-us+Michael,espeak-ng:en-gb+marcelo,espeak-ng:en-029+f5,espeak-ng:en-gb-scotland+m1
    sox /tmp/demo/speech.wav ../../tools/src/main/resources/demo/speech.flac && cp /tmp/demo/speech.json ../../tools/src/main/resources/demo/

Short spoken commands and numbers, each by one of several real voices (Debian's flite voices, which are recordings of
different speakers, and espeak-ng voices), one after another with 0.35-1.6 s of silence between them over a quiet noise
floor. Each phrase is synthesised alone, resampled to 16 kHz and trimmed to its audible part (the first and last sample
above 1 % of full scale); that part's start and end are the truth a voice-activity detector is scored against. Writes
``speech-pauses.wav`` (16 kHz mono int16) and ``speech-pauses.json`` (``--name`` another base name) (the rate, the length, and per phrase its text,
voice, start and end in seconds).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import wave

import numpy as np

from avstream_models.audio_events_data import RATE, fade, normalise_peak, read_wav, to_16k, trim_silence

PHRASES = [
    "turn left at the next light",
    "seven three nine",
    "hello please stop the music",
    "yes",
    "go up then down",
    "switch the lights off",
    "four two eight one",
    "thank you goodbye",
    "move right",
    "no",
    "turn on the radio please",
    "zero five six",
]

# (engine, voice): flite's voices are recordings of four speakers; espeak-ng's are formant synthesis
VOICES = [("flite", "slt"), ("flite", "rms"), ("espeak-ng", "en-us"), ("flite", "awb"), ("espeak-ng", "en+f3"),
          ("flite", "kal")]


def synthesise(engine: str, voice: str, text: str) -> np.ndarray:
    if engine == "espeak-ng":
        data = subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "--stdout", text], capture_output=True,
                              check=True).stdout
    else:
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.wav")
            subprocess.run(["flite", "-voice", voice, "-t", text, "-o", out], capture_output=True, check=True)
            with open(out, "rb") as f:
                data = f.read()
    x, rate = read_wav(data)
    return to_16k(x, rate)


def build(seed: int, gap=(0.35, 1.6), voices=None):
    voices = voices or VOICES
    rng = np.random.default_rng([seed, 11])
    pieces = []
    for i, text in enumerate(PHRASES):
        engine, voice = voices[i % len(voices)]
        x = trim_silence(synthesise(engine, voice, text), 0.01)
        pieces.append((text, engine, voice, fade(normalise_peak(x, float(rng.uniform(0.3, 0.8))))))
    lead = 0.8
    total = lead + sum(len(p) / RATE + float(rng.uniform(*gap)) for *_, p in pieces)
    n = int(round(total * RATE))
    floor = (rng.standard_normal(n) * 10 ** (-55 / 20)).astype(np.float32)
    audio = floor.copy()
    phrases = []
    at = int(lead * RATE)
    for text, engine, voice, piece in pieces:
        audio[at:at + len(piece)] += piece
        phrases.append({"text": text, "engine": engine, "voice": voice, "start": round(at / RATE, 4),
                        "end": round((at + len(piece)) / RATE, 4)})
        at += len(piece) + int(RATE * float(rng.uniform(*gap)))
    return audio, phrases


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--name", default="speech-pauses", help="base name of the .wav and .json written")
    ap.add_argument("--voices", help="engine:voice,... instead of the default voices (e.g. the speech model's "
                                      "held-out espeak-ng voices for the demo)")
    args = ap.parse_args(argv)
    voices = [tuple(v.split(":", 1)) for v in args.voices.split(",")] if args.voices else None
    audio, phrases = build(args.seed, voices=voices)
    os.makedirs(args.out, exist_ok=True)
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype("<i2")
    with wave.open(os.path.join(args.out, args.name + ".wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    made_by = "models/python/avstream_models/speech_recording.py --seed %d" % args.seed
    if args.voices:
        made_by += " --name %s --voices %s" % (args.name, args.voices)
    with open(os.path.join(args.out, args.name + ".json"), "w") as f:
        json.dump({"made_by": made_by,
                   "sample_rate": RATE, "seconds": round(len(audio) / RATE, 4), "phrases": phrases}, f, indent=1)
    print(f"{len(audio) / RATE:.1f} s, {len(phrases)} phrases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
