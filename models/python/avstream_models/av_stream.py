"""A long audio-visual recording through the job's rules, outside the job: its windows (AudioStream: 1024 filterbank
frames, a window every 100 frames from the 100th), each window's frames (AudioVideoAligner: the nearest frame to
each of 8 slots at 2 fps over the 4 s centred in the window, at most 0.5 s away, or none and the audio-only model),
the models, and the columns the event tracker judges (EventTracker.accept(State, AudioResult)): with a lookahead,
a column is judged from the first full window that holds it at least the lookahead before the window's end, so that
it is judged with that much of what follows it and, at the window's middle, next to its video; what a stream's last
window holds and no full window judged is judged at the stream's end. Without a lookahead, the newest columns of
each window.

This is how the thresholds of the audio-visual package are calibrated (on recordings of the validation sources) and
how its event precision and recall are measured (on recordings of the test sources), in the job's conditions:

    cd models/python && /usr/bin/python3 -m avstream_models.av_stream --state /tmp/av/model.pt --temporal-kernel 9 \\
        --frame-video --lookahead-ms 4620 --cache /tmp/av-recordings --out /tmp/av-stream
"""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from avstream_models import av_data, events as ev, mavil
from avstream_models.audio_events_data import NAMES
from avstream_models.audio_features import fbank as fbank_frames
from avstream_models.video_golden import preprocess

WINDOW_FRAMES = 1024      # avstream.audio-events.window.frames
HOP_FRAMES = 100          # avstream.audio-events.window.hop-frames
MIN_FRAMES = 100          # avstream.audio-events.window.min-frames
SHIFT_US = 10_000         # 10 ms filterbank frames of 25 ms
LENGTH_US = 25_000
COLUMN_FRAMES = 16
COLUMN_US = COLUMN_FRAMES * SHIFT_US
FRAME_US = 500_000        # 2 fps
SLOTS = 8
MAX_FRAME_DISTANCE_US = 500_000   # avstream.audio-visual.max-frame-distance
MIN_DURATION = 0.3
MERGE_GAP = 0.35
TOLERANCE = 0.5


@dataclass
class Window:
    first: int    # first filterbank frame
    frames: int

    @property
    def start_us(self) -> int:
        return self.first * SHIFT_US

    @property
    def end_us(self) -> int:
        return (self.first + self.frames - 1) * SHIFT_US + LENGTH_US

    @property
    def full(self) -> bool:
        return self.frames >= WINDOW_FRAMES


def windows(total: int) -> List[Window]:
    """AudioStream.offline: a window ends after MIN_FRAMES frames and every HOP_FRAMES after, and at the end."""
    out, last = [], 0
    for end in range(1, total + 1):
        if ((end >= MIN_FRAMES and (end - MIN_FRAMES) % HOP_FRAMES == 0) or end == total) and end > last:
            n = min(end, WINDOW_FRAMES)
            out.append(Window(end - n, n))
            last = end
    return out


def frames_for(w: Window, times_us: Sequence[int]) -> Optional[List[int]]:
    """AudioVideoAligner.framesFor: per slot, the index of the nearest frame (the earlier on a tie), or None."""
    centre = w.start_us + (w.end_us - w.start_us) // 2
    times = np.asarray(times_us)
    out = []
    for k in range(SLOTS):
        slot = centre - SLOTS * FRAME_US // 2 + k * FRAME_US
        i = int(np.searchsorted(times, slot, side="right"))    # times[i - 1] <= slot < times[i]
        cands = [j for j in (i - 1, i) if 0 <= j < len(times)]
        if not cands:
            return None
        best = min(cands, key=lambda j: (abs(int(times[j]) - slot), j))
        if abs(int(times[best]) - slot) > MAX_FRAME_DISTANCE_US:
            return None
        out.append(best)
    return out


def judged_columns(ws: List[Window], probs: List[np.ndarray], lookahead_us: int) -> Tuple[List[int], np.ndarray]:
    """EventTracker.accept(State, AudioResult): the column start times and probabilities the tracker takes, in order,
    from the windows' per-column probabilities ([columns, C] each, the window's real columns)."""
    starts, out = [], []
    next_us = -(1 << 62)
    pending: Tuple[List[int], List[np.ndarray]] = ([], [])
    for w, p in zip(ws, probs):
        cols = [(w.start_us + k * COLUMN_US, p[k]) for k in range(len(p))]
        take = [(s, q) for s, q in cols if s >= next_us
                and (lookahead_us == 0 or (w.full and s + COLUMN_US <= w.end_us - lookahead_us))]
        for s, q in take:
            starts.append(s)
            out.append(q)
            next_us = s + COLUMN_US
        pending = ([s for s, _ in cols if s >= next_us], [q for s, q in cols if s >= next_us])
    for s, q in zip(*pending):
        if s >= next_us:
            starts.append(s)
            out.append(q)
            next_us = s + COLUMN_US
    return starts, np.stack(out) if out else np.zeros((0, len(NAMES)), dtype=np.float32)


class Models:
    """The audio-visual model (a train_av checkpoint) and the audio-only one (the audio-event package) in torch."""

    def __init__(self, av, audio, device: str = "cpu"):
        self.av, self.audio, self.device = av.to(device).eval(), audio.to(device).eval(), torch.device(device)

    @staticmethod
    def load(state: str, temporal_kernel: int, audio_package: str, device: str = "cpu", frame_video: bool = False):
        from avstream_models.mavil_av import AudioVisualMAViL, small_config
        cfg = small_config(len(NAMES))
        cfg.temporal_kernel = temporal_kernel
        cfg.frame_video = frame_video
        av = AudioVisualMAViL(cfg)
        av.load_state_dict(torch.load(state, map_location="cpu"))
        audio = mavil.AudioViT(mavil.small_config(len(NAMES)))
        audio.load_state_dict(mavil.state_from_onnx(audio_package, audio.cfg), strict=False)
        return Models(av, audio, device)

    def run(self, fbanks: torch.Tensor, video: Optional[torch.Tensor]) -> Tuple[np.ndarray, np.ndarray]:
        """Clip [B, C] and per-column probabilities [B, 64, C] of windows [B, 1024, 128] (raw, zero-padded) with their
        video or not."""
        with torch.no_grad():
            x = mavil.normalise(fbanks.to(self.device)).unsqueeze(1)
            if video is None:
                logits, frame_logits = self.audio(x)
            else:
                logits, frame_logits = self.av(x, video.to(self.device))
            return torch.sigmoid(logits).float().cpu().numpy(), torch.sigmoid(frame_logits).float().cpu().numpy()


def stream_probs(models: Models, rec: av_data.Recording, batch: int = 16):
    """Every window of the recording through its model: windows, their real columns' probabilities, their clip
    probabilities, and how many had video."""
    fb = fbank_frames(rec.audio)
    ws = windows(fb.shape[0])
    times_us = [int(round(t * 1e6)) for t in rec.frame_times]
    decoded: Dict[int, torch.Tensor] = {}

    def clip_of(idx):
        for i in idx:
            if i not in decoded:
                decoded[i] = preprocess(av_data.decode_jpeg(rec.jpegs[i]))
        return torch.stack([decoded[i] for i in idx], dim=1)    # [3, 8, 224, 224]

    probs: List[Optional[np.ndarray]] = [None] * len(ws)
    clips: List[Optional[np.ndarray]] = [None] * len(ws)
    pairs = [frames_for(w, times_us) for w in ws]
    with_video = [i for i, p in enumerate(pairs) if p is not None]
    audio_only = [i for i, p in enumerate(pairs) if p is None]
    for group, use_video in ((with_video, True), (audio_only, False)):
        for s in range(0, len(group), batch):
            idx = group[s:s + batch]
            x = torch.stack([mavil.pad_frames(fb[ws[i].first:ws[i].first + ws[i].frames]) for i in idx])
            v = torch.stack([clip_of(pairs[i]) for i in idx]) if use_video else None
            clip, out = models.run(x, v)
            for j, i in enumerate(idx):
                probs[i] = out[j, :min(ws[i].frames, WINDOW_FRAMES) // COLUMN_FRAMES]
                clips[i] = clip[j]
    return ws, probs, clips, len(with_video)


def truth_of(rec: av_data.Recording) -> List[Tuple[int, float, float]]:
    return [(c, on, off) for c, _, on, off in rec.truth]


def detect(starts: List[int], probs: np.ndarray, enter, exit_, min_duration: float = MIN_DURATION,
           merge_gap: float = MERGE_GAP) -> List[Tuple[int, float, float]]:
    times = [s / 1e6 for s in starts]
    found = ev.track(probs, times, COLUMN_US / 1e6, enter, exit_, min_duration, merge_gap)
    return [(d.cls, d.onset, d.offset) for d in found]


def calibrate(judged: List[Tuple[List[int], np.ndarray]], truths: List[List[Tuple[int, float, float]]],
              classes: int, min_duration: float = MIN_DURATION, merge_gap: float = MERGE_GAP
              ) -> Tuple[List[float], List[float], float]:
    """Per class, the enter and exit thresholds with the best event F1 over the recordings; and that F1 over all
    classes' events together."""
    enter, exit_, counts = ev.calibrate_thresholds(
        [([s / 1e6 for s in starts], probs) for starts, probs in judged], truths, classes, COLUMN_US / 1e6,
        min_duration, merge_gap, TOLERANCE, (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), (0.4, 0.55, 0.7, 0.85, 1.0))
    f1 = ev.precision_recall([tuple(sum(x) for x in zip(*counts))])["f1"]
    return enter, exit_, f1


def calibrate_rule(judged, truths, classes: int):
    """The minimum duration and merge gap (from a few) with the best event F1 over the recordings, with their
    per-class thresholds: (enter, exit, min_duration, merge_gap)."""
    best = None
    for min_duration in (0.15, 0.3):
        for merge_gap in (0.35, 0.7, 1.0):
            enter, exit_, f1 = calibrate(judged, truths, classes, min_duration, merge_gap)
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, enter, exit_, min_duration, merge_gap)
    return best[1:]


def score(judged, truths, enter, exit_, min_duration: float = MIN_DURATION, merge_gap: float = MERGE_GAP
          ) -> Dict[str, object]:
    counts, per_class = [], {}
    for (starts, probs), truth in zip(judged, truths):
        d = detect(starts, probs, enter, exit_, min_duration, merge_gap)
        counts.append(ev.match_events(d, truth, TOLERANCE))
        for c in range(probs.shape[1]):
            a, b, n = ev.match_events([x for x in d if x[0] == c], [x for x in truth if x[0] == c], TOLERANCE)
            t = per_class.setdefault(NAMES[c], [0, 0, 0])
            t[0], t[1], t[2] = t[0] + a, t[1] + b, t[2] + n
    out = ev.precision_recall(counts)
    out["per_class"] = {k: {"tp": v[0], "detections": v[1], "truths": v[2]} for k, v in per_class.items()}
    return out


VAL_SEED = 23 + 1000      # av_data's validation split (held-out sources, not the test split's)
TEST_SEED = 17 + 2000     # event_recording's: the audio-event test split's held-out sources (the demo recording's)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state", required=True, help="train_av.py's model.pt (--model av)")
    ap.add_argument("--temporal-kernel", type=int, default=9)
    ap.add_argument("--frame-video", action="store_true", help="the columns see the video at their time")
    ap.add_argument("--audio-package", default=os.path.join(os.path.dirname(__file__), "..", "..", "packages",
                                                              "mavil-audio-small", "model.onnx"))
    ap.add_argument("--lookahead-ms", type=int, default=4620)
    ap.add_argument("--val", default="101,102,103,104", help="seeds of the calibration recordings (validation sources)")
    ap.add_argument("--test", default="201,202,203,204", help="seeds of the test recordings (test sources)")
    ap.add_argument("--test-bank-seed", type=int, default=TEST_SEED,
                    help="the test recordings' source renderings: this seed for the first, the next for the next...")
    ap.add_argument("--rounds", type=int, default=2, help="events of each kind per recording")
    ap.add_argument("--test-lead", type=float, default=4.0,
                    help="seconds of a test recording before its first event (the first 3 s of a stream have no "
                         "window with them in its video's span)")
    ap.add_argument("--media-seed", type=int, default=5, help="also score the demo recording (av_data --media --seed)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", help="keep the recordings made in this folder and read them from it")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    models = Models.load(args.state, args.temporal_kernel, args.audio_package, args.device, args.frame_video)

    windows_probs = {}

    def judged_of(rec, key):
        ws, probs, clips, with_video = stream_probs(models, rec)
        windows_probs[key] = ([(w.first, w.frames) for w in ws], probs, clips)
        return judged_columns(ws, probs, args.lookahead_ms * 1000), with_video, len(ws)

    def made(seed: int, rounds: int, bank_seed=None, lead: float = 1.0):
        if not args.cache:
            return av_data.recording(seed, rounds, bank_seed=bank_seed, lead=lead)
        import pickle
        os.makedirs(args.cache, exist_ok=True)
        path = os.path.join(args.cache, f"recording-{seed}-{rounds}-{bank_seed}-{lead:g}.pickle")
        if not os.path.exists(path):
            with open(path + ".part", "wb") as f:
                pickle.dump(av_data.recording(seed, rounds, bank_seed=bank_seed, lead=lead), f)
            os.replace(path + ".part", path)
        with open(path, "rb") as f:
            return pickle.load(f)

    # each recording from its own renderings of the validation or test sources (4 of each kind: a few renderings
    # would stand for their sources too narrowly, for the thresholds and for the measure)
    sets = {"val": [made(int(s), args.rounds, VAL_SEED + i) for i, s in enumerate(args.val.split(",")) if s],
            "test": [made(int(s), args.rounds, args.test_bank_seed + i, args.test_lead)
                     for i, s in enumerate(args.test.split(",")) if s],
            "demo": [made(args.media_seed, 1)]}
    judged = {}
    for name, recs in sets.items():
        judged[name] = []
        for i, rec in enumerate(recs):
            j, v, n = judged_of(rec, f"{name}{i}")
            judged[name].append(j)
            print(f"{name}: {rec.seconds:.0f} s, {len(rec.events)} events, {v}/{n} windows with video", flush=True)
    truths = {k: [truth_of(r) for r in v] for k, v in sets.items()}
    enter, exit_, min_duration, merge_gap = calibrate_rule(judged["val"], truths["val"], len(NAMES))
    result = {"lookahead_ms": args.lookahead_ms, "enter": dict(zip(NAMES, enter)), "exit": dict(zip(NAMES, exit_)),
              "min_duration_seconds": min_duration, "merge_gap_seconds": merge_gap, "tolerance_seconds": TOLERANCE}
    for name in ("val", "test", "demo"):
        result[name] = score(judged[name], truths[name], enter, exit_, min_duration, merge_gap)
        r = result[name]
        print(f"{name}: precision {r['precision']:.3f} recall {r['recall']:.3f} "
              f"({r['true_positives']} of {r['detections']} detections, {r['truths']} events)", flush=True)
    import pickle
    with open(os.path.join(args.out, "window_probs.pickle"), "wb") as f:    # to try other rules without the models
        pickle.dump({"windows": windows_probs, "truths": truths}, f)
    with open(os.path.join(args.out, "stream_metrics.json"), "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
