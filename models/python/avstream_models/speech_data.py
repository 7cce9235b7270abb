"""Speech training and held-out sets for speech-small (ASR, speaker embedding, emotion), made by the project.

Short English phrases (1-5 words from a fixed vocabulary of commands, digits and a few others, lower case) spoken by
many synthetic speakers with four prosody profiles standing for emotions (neutral 0, happy 1, angry 2, sad 3, the
IEMOCAP order AV-SUPERB uses). A speaker is one (engine, voice, variant): espeak-ng voices (accents) with its voice
variants (formant/pitch settings; each variant belongs to one speaker only), Debian's flite voices (recordings of
different people) and festival's ked diphone voice. Everything is reproducible from the seed.

Splits, by phrase and by voice:
  * phrases: every distinct phrase goes to train, val or test by a seeded hash; the phrases of speech_recording.py
    (the demo) are forced into test. No val/test phrase is ever said in training.
  * voices: train voices (speak train phrases, and some val/test phrases), val voices and test voices (never heard
    in training; test voices include festival's ked, an engine absent from training).
  * train.npz: train phrases x train voices. val.npz: val phrases x train voices (group "seen") and x val voices
    (group "unseen"). test.npz: test phrases x train voices ("seen") and x test voices ("unseen").

Emotion profiles: espeak-ng gets SSML <prosody rate pitch range> (espeak-ng -m); flite gets duration_stretch and
festival Duration_Stretch, then a sox pitch shift. Then for all: a spectral tilt (sox treble shelf: tense for angry,
dull for sad), a level (angry loud, sad quiet), small per-utterance jitter of every parameter, leading and trailing
noise, and background noise at 20-45 dB SNR. 16 kHz mono (resampled with sox by audio_events_data.to_16k).

Never read here: asterisk-core-sounds-*, sound-theme-freedesktop, oxygen-sounds, the alsa-utils sound files (kept
for independent evaluation).

    cd models/python && /usr/bin/python3 -m avstream_models.speech_data --out /tmp/speech-data

writes OUT/{train,val,test}.npz (audio int16 concatenated, offsets int64 [N+1], text, speaker, emotion, group) and
OUT/meta.json (speakers with engine/voice/variant/group, vocabulary, splits, profiles, seeds, sha256 per split).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from multiprocessing import Pool
from typing import Dict, List, Tuple

import numpy as np

from avstream_models.audio_events_data import RATE, fade, normalise_peak, read_wav, to_16k, trim_silence

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
COMMANDS = ["yes", "no", "stop", "go", "left", "right", "up", "down", "on", "off", "hello", "goodbye", "please",
            "thank", "you"]
OTHERS = ["turn", "move", "start", "open", "close", "light", "lights", "music", "volume", "next", "back", "call",
          "play", "pause", "the", "a", "to", "at", "radio", "switch", "then", "and", "door", "window", "set", "timer",
          "for", "minutes", "forward", "wait", "help", "what", "time", "is", "it", "now", "me"]
VOCABULARY: List[str] = DIGITS + COMMANDS + OTHERS

# the phrases of the demo recording (speech_recording.PHRASES): always held out (test split)
DEMO_PHRASES = ["turn left at the next light", "seven three nine", "hello please stop the music", "yes",
                "go up then down", "switch the lights off", "four two eight one", "thank you goodbye", "move right",
                "no", "turn on the radio please", "zero five six"]

EMOTIONS = ["neutral", "happy", "angry", "sad"]
# rate factor, pitch %, pitch range %, treble shelf dB (tilt), peak level
PROFILES: Dict[str, Dict[str, float]] = {
    "neutral": {"rate": 1.00, "pitch": 0.0, "range": 0.0, "tilt": 0.0, "level": 0.40},
    "happy": {"rate": 1.12, "pitch": 30.0, "range": 70.0, "tilt": 2.0, "level": 0.50},
    "angry": {"rate": 1.18, "pitch": 12.0, "range": 90.0, "tilt": 7.0, "level": 0.85},
    "sad": {"rate": 0.80, "pitch": -20.0, "range": -60.0, "tilt": -7.0, "level": 0.16},
}
JITTER = {"rate": 0.06, "pitch": 6.0, "range": 15.0, "tilt": 2.0, "level_db": 3.0}

ESPEAK_ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
                  "en-us-nyc"]
# espeak-ng variants (`espeak-ng --voices=variant`), less whispering/robotic/effect ones
ESPEAK_VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f4", "f5", "klatt", "klatt2",
                   "klatt3", "klatt4", "klatt5", "klatt6", "Alex", "Alicia", "Andrea", "Andy", "Annie", "AnxiousAndy",
                   "Denis", "Diogo", "Gene", "Gene2", "Henrique", "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael",
                   "Mike", "Nguyen", "Storm", "Tweaky", "adam", "anika", "antonio", "aunty", "belinda",
                   "benjamin", "boris", "caleb", "david", "ed", "edward", "edward2", "grandma", "grandpa", "gustave",
                   "iven", "iven2", "iven3", "iven4", "john", "kaukovalta", "linda", "marcelo", "max", "michel",
                   "miguel", "norbert", "pablo", "paul", "pedro", "quincy", "rob", "robert", "sandro", "shelby",
                   "steph", "steph2", "steph3", "travis", "victor", "zac"]


@dataclass(frozen=True)
class Speaker:
    engine: str      # espeak-ng | flite | festival
    voice: str       # espeak-ng accent, flite voice, festival voice
    variant: str     # espeak-ng variant ("" for none)
    group: str       # train | val | test

    @property
    def name(self) -> str:
        return f"{self.engine}:{self.voice}" + (f"+{self.variant}" if self.variant else "")


def make_speakers(seed: int, n_espeak_train: int = 46, n_val: int = 6, n_test: int = 9) -> List[Speaker]:
    """espeak-ng speakers: distinct variants, each with one accent, assigned to groups by the seed; the demo's
    espeak voices (en-us, en+f3) are train speakers. flite awb, rms, kal16, slt train; festival ked test."""
    rng = np.random.default_rng([seed, 7])
    variants = [v for v in ESPEAK_VARIANTS]
    order = rng.permutation(len(variants))
    need = n_espeak_train + n_val + n_test
    if need > len(variants):
        raise ValueError(f"{need} espeak-ng speakers asked, {len(variants)} variants")
    chosen = [variants[i] for i in order[:need]]
    accents = [ESPEAK_ACCENTS[int(rng.integers(len(ESPEAK_ACCENTS)))] for _ in chosen]
    groups = ["train"] * n_espeak_train + ["val"] * n_val + ["test"] * n_test
    out = [Speaker("espeak-ng", "en-us", "", "train"), Speaker("espeak-ng", "en", "f3", "train")]
    out += [Speaker("espeak-ng", a, v, g) for a, v, g in zip(accents, chosen, groups)]
    out += [Speaker("flite", v, "", "train") for v in ("awb", "rms", "kal16", "slt")]
    out += [Speaker("festival", "ked_diphone", "", "test")]
    return out


# ------------------------------------------------------------------------------------------------------------
# phrases
# ------------------------------------------------------------------------------------------------------------

def _pick(rng, xs):
    return xs[int(rng.integers(len(xs)))]


def phrase(rng: np.random.Generator) -> str:
    """One phrase of 1-5 words: commands from templates, digit strings, or random word sequences."""
    while True:
        u = rng.random()
        dirs = ["left", "right", "up", "down", "back", "forward"]
        devices = ["light", "lights", "radio", "music", "volume"]
        if u < 0.25:
            words = [_pick(rng, DIGITS) for _ in range(int(rng.integers(1, 6)))]
        elif u < 0.60:
            k = int(rng.integers(14))
            if k == 0:
                words = [_pick(rng, ["turn", "switch"]), _pick(rng, ["on", "off"]), "the", _pick(rng, devices)]
            elif k == 1:
                words = [_pick(rng, ["turn", "switch"]), "the", _pick(rng, devices), _pick(rng, ["on", "off"])]
            elif k == 2:
                words = [_pick(rng, ["turn", "move", "go"]), _pick(rng, dirs)]
            elif k == 3:
                words = [_pick(rng, ["play", "pause", "stop", "start"]), "the", _pick(rng, ["music", "radio"])]
            elif k == 4:
                words = [_pick(rng, ["open", "close"]), "the", _pick(rng, ["door", "window"])]
            elif k == 5:
                words = ["volume", _pick(rng, ["up", "down"])]
            elif k == 6:
                words = ["call"] + [_pick(rng, DIGITS) for _ in range(int(rng.integers(2, 5)))]
            elif k == 7:
                words = ["set", "a", "timer", "for", _pick(rng, DIGITS)] + (["minutes"] if rng.random() < 0.5 else [])
            elif k == 8:
                words = [_pick(rng, ["go", "move", "turn"]), _pick(rng, dirs), "then", _pick(rng, dirs)]
            elif k == 9:
                words = ["turn", _pick(rng, ["left", "right"]), "at", "the", _pick(rng, ["next", "door", "light"])]
            elif k == 10:
                words = [_pick(rng, ["yes", "no", "stop", "go", "hello", "goodbye", "next", "back", "pause", "play",
                                     "wait", "help", "start", "please"])]
            elif k == 11:
                words = ["thank", "you"] + ([_pick(rng, ["goodbye", "hello"])] if rng.random() < 0.4 else [])
            elif k == 12:
                words = _pick(rng, [["what", "time", "is", "it"], ["what", "is", "it"], ["help", "me"],
                                    ["call", "me", "now"], ["go", "to", "the", _pick(rng, ["door", "window", "light"])],
                                    ["wait", "for", "me"], ["it", "is", _pick(rng, DIGITS)]])
            else:
                words = [_pick(rng, ["yes", "no"]), _pick(rng, ["please", "thank", "stop", "go", "you"])]
                if words[1] == "thank":
                    words.append("you")
            if rng.random() < 0.2:
                words = ["please"] + words if rng.random() < 0.5 else words + ["please"]
            if rng.random() < 0.08:
                words = ["hello"] + words
            if rng.random() < 0.06:
                words = words + ["thank", "you"]
            if rng.random() < 0.06:
                words = words + ["and", _pick(rng, ["stop", "go", "wait"])]
        else:
            words = [_pick(rng, VOCABULARY) for _ in range(int(rng.integers(1, 6)))]
        if 1 <= len(words) <= 5:
            return " ".join(words)


def phrase_split(text: str, seed: int, val: float = 0.08, test: float = 0.14) -> str:
    if text in DEMO_PHRASES:
        return "test"
    u = int.from_bytes(hashlib.sha256(f"{seed}:{text}".encode()).digest()[:8], "big") / 2 ** 64
    return "test" if u < test else ("val" if u < test + val else "train")


def phrase_pools(seed: int, draws: int = 12000) -> Dict[str, List[str]]:
    rng = np.random.default_rng([seed, 3])
    seen = {}
    for _ in range(draws):
        t = phrase(rng)
        seen.setdefault(t, None)
    for t in DEMO_PHRASES:
        seen.setdefault(t, None)
    pools = {"train": [], "val": [], "test": []}
    for t in seen:
        pools[phrase_split(t, seed)].append(t)
    return pools


# ------------------------------------------------------------------------------------------------------------
# rendering
# ------------------------------------------------------------------------------------------------------------

@dataclass
class Utterance:
    text: str
    speaker: int
    emotion: int
    group: str          # seen (train voice) | unseen (val/test voice) | train
    seed: int


def prosody(emotion: str, rng: np.random.Generator) -> Dict[str, float]:
    p = PROFILES[emotion]
    return {"rate": p["rate"] * (1 + JITTER["rate"] * (2 * rng.random() - 1)),
            "pitch": p["pitch"] + JITTER["pitch"] * (2 * rng.random() - 1),
            "range": p["range"] + JITTER["range"] * (2 * rng.random() - 1),
            "tilt": p["tilt"] + JITTER["tilt"] * (2 * rng.random() - 1),
            "level": min(0.98, p["level"] * 10 ** (JITTER["level_db"] * (2 * rng.random() - 1) / 20))}


def sox_effects(x: np.ndarray, effects: List[str]) -> np.ndarray:
    if not effects:
        return x
    p = subprocess.run(["sox", "-t", "f32", "-r", str(RATE), "-c", "1", "-", "-t", "f32", "-"] + effects,
                       input=x.astype("<f4").tobytes(), capture_output=True, check=True)
    return np.frombuffer(p.stdout, dtype="<f4").astype(np.float32)


def synthesise(sp: Speaker, text: str, pr: Dict[str, float]) -> np.ndarray:
    """The engine's speech at 16 kHz with the profile's rate (and, for espeak-ng, pitch and range) applied."""
    shift_cents = 0.0
    if sp.engine == "espeak-ng":
        voice = sp.voice + (f"+{sp.variant}" if sp.variant else "")
        ssml = (f'<speak><prosody rate="{100 * pr["rate"]:.0f}%" pitch="{pr["pitch"]:+.0f}%" '
                f'range="{pr["range"]:+.0f}%">{text}</prosody></speak>')
        data = subprocess.run(["espeak-ng", "-m", "-v", voice, "-s", "160", "--stdout", ssml], capture_output=True,
                              check=True).stdout
    else:
        shift_cents = 1200 * math.log2(1 + pr["pitch"] / 100)
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.wav")
            if sp.engine == "flite":
                subprocess.run(["flite", "-voice", sp.voice, "--setf", f"duration_stretch={1 / pr['rate']:.3f}",
                                "-t", text, "-o", out], capture_output=True, check=True)
            elif sp.engine == "festival":
                subprocess.run(["text2wave", "-eval", f"(voice_{sp.voice})", "-eval",
                                f"(Parameter.set 'Duration_Stretch {1 / pr['rate']:.3f})", "-o", out],
                               input=text.encode(), capture_output=True, check=True)
            else:
                raise ValueError(sp.engine)
            with open(out, "rb") as f:
                data = f.read()
    x, rate = read_wav(data)
    x = to_16k(x, rate)
    effects = []
    if abs(shift_cents) > 1:
        effects += ["pitch", f"{shift_cents:.0f}"]
    effects += ["treble", f"{pr['tilt']:.1f}"]
    return sox_effects(x, effects)


def noise(rng: np.random.Generator, n: int) -> np.ndarray:
    white = rng.standard_normal(n + 64)
    k = int(rng.integers(1, 4))
    if k == 1:
        y = white
    else:  # smoothed (low-passed) noise with a random kernel length, plus some white
        kern = np.ones(int(rng.integers(2, 24)))
        y = np.convolve(white, kern / kern.sum(), mode="same") + 0.1 * white
    y = y[32:32 + n]
    return (y / (np.std(y) + 1e-9)).astype(np.float32)


def render(args: Tuple[Speaker, Utterance]) -> np.ndarray:
    sp, u = args
    rng = np.random.default_rng([u.seed, 5])
    pr = prosody(EMOTIONS[u.emotion], rng)
    x = synthesise(sp, u.text, pr)
    x = fade(trim_silence(normalise_peak(x, 0.9), 0.01))
    x = normalise_peak(x, pr["level"])
    lead, trail = (int(RATE * float(rng.uniform(0.05, 0.3))) for _ in range(2))
    y = np.concatenate([np.zeros(lead, np.float32), x, np.zeros(trail, np.float32)])
    rms = float(np.sqrt(np.mean(x ** 2))) + 1e-9
    snr = float(rng.uniform(20, 45))
    y = y + noise(rng, len(y)) * rms * 10 ** (-snr / 20)
    y = np.clip(y, -1.0, 32767 / 32768)
    return np.round(y * 32768).astype(np.int16)


# ------------------------------------------------------------------------------------------------------------
# the data set
# ------------------------------------------------------------------------------------------------------------

def plan(seed: int, speakers: List[Speaker], pools: Dict[str, List[str]], per_train_voice: int, seen_val: int,
         seen_test: int, unseen_val: int, unseen_test: int) -> Dict[str, List[Utterance]]:
    """Which phrase, speaker and emotion each utterance has; emotions balanced per speaker."""
    rng = np.random.default_rng([seed, 9])
    out: Dict[str, List[Utterance]] = {"train": [], "val": [], "test": []}

    def emit(split, group, si, count, pool):
        emos = np.tile(np.arange(len(EMOTIONS)), count // len(EMOTIONS) + 1)[:count]
        emos = rng.permutation(emos)
        for e in emos:
            text = pool[int(rng.integers(len(pool)))]
            out[split].append(Utterance(text, si, int(e), group, int(rng.integers(2 ** 62))))

    for si, sp in enumerate(speakers):
        if sp.group == "train":
            emit("train", "train", si, per_train_voice, pools["train"])
            emit("val", "seen", si, seen_val, pools["val"])
            emit("test", "seen", si, seen_test, pools["test"])
        elif sp.group == "val":
            emit("val", "unseen", si, unseen_val, pools["val"])
        else:
            emit("test", "unseen", si, unseen_test, pools["test"])
    return out


def fingerprint(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--per-train-voice", type=int, default=80, help="train-phrase utterances per train voice")
    ap.add_argument("--seen-val", type=int, default=4, help="val-phrase utterances per train voice")
    ap.add_argument("--seen-test", type=int, default=8, help="test-phrase utterances per train voice")
    ap.add_argument("--unseen-val", type=int, default=40, help="utterances per val voice")
    ap.add_argument("--unseen-test", type=int, default=48, help="utterances per test voice")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    speakers = make_speakers(args.seed)
    pools = phrase_pools(args.seed)
    for w in VOCABULARY:
        if not any(w in t.split() for t in pools["train"]):
            raise AssertionError(f"word {w!r} is in no training phrase")
    utts = plan(args.seed, speakers, pools, args.per_train_voice, args.seen_val, args.seen_test, args.unseen_val,
                args.unseen_test)
    meta = {"seed": args.seed, "rate": RATE, "emotions": EMOTIONS, "profiles": PROFILES, "jitter": JITTER,
            "vocabulary": VOCABULARY, "demo_phrases_in_test": DEMO_PHRASES,
            "speakers": [dict(asdict(s), name=s.name) for s in speakers],
            "phrases": {k: len(v) for k, v in pools.items()},
            "command": "cd models/python && /usr/bin/python3 -m avstream_models.speech_data --out DATA"
                       + "".join(f" --{k.replace('_', '-')} {v}" for k, v in vars(args).items()
                                 if k not in ("out", "jobs") and v != ap.get_default(k)),
            "splits": {}}
    with Pool(args.jobs) as pool:
        for split in ("train", "val", "test"):
            us = utts[split]
            audio = pool.map(render, [(speakers[u.speaker], u) for u in us], chunksize=8)
            offsets = np.zeros(len(us) + 1, dtype=np.int64)
            offsets[1:] = np.cumsum([len(a) for a in audio])
            cat = np.concatenate(audio)
            text = np.array([u.text for u in us])
            spk = np.array([u.speaker for u in us], dtype=np.int32)
            emo = np.array([u.emotion for u in us], dtype=np.int32)
            group = np.array([u.group for u in us])
            np.savez(os.path.join(args.out, f"{split}.npz"), audio=cat, offsets=offsets, text=text, speaker=spk,
                     emotion=emo, group=group)
            groups = {g: int((group == g).sum()) for g in sorted(set(group.tolist()))}
            meta["splits"][split] = {"utterances": len(us), "groups": groups, "hours": round(len(cat) / RATE / 3600, 3),
                                     "distinct_phrases": len(set(text.tolist())),
                                     "sha256": fingerprint(cat, offsets, spk, emo)}
            print(f"{split}: {len(us)} utterances {groups}, {len(cat) / RATE / 60:.1f} min, "
                  f"{time.time() - t0:.0f} s", flush=True)
    train_text = set(np.load(os.path.join(args.out, "train.npz"))["text"].tolist())
    for split in ("val", "test"):
        if train_text & set(np.load(os.path.join(args.out, f"{split}.npz"))["text"].tolist()):
            raise AssertionError(f"{split} phrases overlap training phrases")
    meta["seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
