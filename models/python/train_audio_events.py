"""Trains the small audio-event model (MAViL's audio branch, small configuration) on the project's clips.

    /usr/bin/python3 models/python/avstream_models/audio_events_data.py ...   (see models/python/README.md)
    /usr/bin/python3 models/python/train_audio_events.py --data /tmp/ae-data --out /tmp/ae-train

Loss: binary cross-entropy of the clip logits against the clip's classes plus that of the per-column logits against
the columns its events cover. After training, on the validation clips: per-class clip thresholds (best F1) and
per-class event thresholds (enter, exit: best event F1 with 0.5 s onset/offset tolerance); then on the test clips
(held-out sources): mAP, per-class AP, event precision and recall. Everything is seeded; the same data and seed
give the same weights on the same machine (CPU, 2 threads).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import events as ev  # noqa: E402
from avstream_models.audio_events_data import KINDS, INDEX, NAMES  # noqa: E402
from avstream_models.mavil import AudioViT, normalise, small_config  # noqa: E402

COLUMN_SECONDS = 0.16
TOLERANCE = 0.5
MIN_DURATION = 0.3
MERGE_GAP = 0.35


def load(data: str, split: str):
    fb = np.load(os.path.join(data, f"{split}_fbank.npy"), mmap_mode="r")
    clip = np.load(os.path.join(data, f"{split}_clip.npy"))
    frames = np.load(os.path.join(data, f"{split}_frames.npy"))
    with open(os.path.join(data, f"{split}_events.json")) as f:
        events = json.load(f)
    return fb, clip, frames, events


DEVICE = torch.device("cpu")


def batch_input(fb, idx) -> torch.Tensor:
    x = torch.from_numpy(np.asarray(fb[idx], dtype=np.float32)).to(DEVICE)
    return normalise(x).unsqueeze(1)


def spec_augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A random band of up to 15 mel bins zeroed per clip (the random draws on the CPU, seeded)."""
    b = x.shape[0]
    x = x.clone()
    for i in range(b):
        f0 = int(torch.randint(0, 128 - 16, (1,), generator=gen))
        fw = int(torch.randint(0, 16, (1,), generator=gen))
        x[i, :, :, f0:f0 + fw] = 0
    return x


def predict(model, fb, batch: int = 32):
    model.eval()
    clips, frames = [], []
    with torch.no_grad():
        for s in range(0, len(fb), batch):
            idx = np.arange(s, min(len(fb), s + batch))
            logits, frame_logits = model(batch_input(fb, idx))
            clips.append(torch.sigmoid(logits).cpu().numpy())
            frames.append(torch.sigmoid(frame_logits).cpu().numpy())
    return np.concatenate(clips), np.concatenate(frames)


def truth_events(events_of_clip, seconds: float = 10.24):
    """Per class, the union of the clip's events (overlapping or nearly touching ones merged as detection does)."""
    per = {}
    for kind, on, off in events_of_clip:
        for name in KINDS[kind]:
            per.setdefault(INDEX[name], []).append([on, min(off, seconds)])
    out = []
    for c, spans in per.items():
        spans.sort()
        merged = []
        for on, off in spans:
            if merged and on - merged[-1][1] <= MERGE_GAP:
                merged[-1][1] = max(merged[-1][1], off)
            else:
                merged.append([on, off])
        out.extend((c, on, off) for on, off in merged)
    return out


def event_counts(frame_probs, events, enter, exit_):
    counts = []
    times = [k * COLUMN_SECONDS for k in range(frame_probs.shape[1])]
    for i in range(len(frame_probs)):
        det = ev.track(frame_probs[i], times, COLUMN_SECONDS, enter, exit_, MIN_DURATION, MERGE_GAP)
        counts.append(ev.match_events([(d.cls, d.onset, d.offset) for d in det], truth_events(events[i]), TOLERANCE))
    return counts


def calibrate(clip_probs, clip_y, frame_probs, events):
    classes = clip_y.shape[1]
    clip_thr = []
    for c in range(classes):
        best, best_f = 0.5, -1.0
        for t in np.linspace(0.05, 0.95, 19):
            pred = clip_probs[:, c] >= t
            tp = float((pred & (clip_y[:, c] > 0)).sum())
            p = tp / max(1, pred.sum())
            r = tp / max(1, clip_y[:, c].sum())
            f = 2 * p * r / (p + r) if p + r > 0 else 0
            if f > best_f:
                best, best_f = float(t), f
        clip_thr.append(round(best, 3))
    times = [k * COLUMN_SECONDS for k in range(frame_probs.shape[1])]
    enter, exit_, _ = ev.calibrate_thresholds([(times, p) for p in frame_probs], [truth_events(e) for e in events],
                                              classes, COLUMN_SECONDS, MIN_DURATION, MERGE_GAP, TOLERANCE,
                                              (0.3, 0.4, 0.5, 0.6, 0.7), (0.5, 0.7, 0.85))
    return clip_thr, enter, exit_


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="use only this many training clips (quick runs)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--init", help="start from these weights (a model.pt); with --epochs 0, only calibrate and test")
    args = ap.parse_args(argv)
    global DEVICE
    DEVICE = torch.device(args.device)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    train_fb, train_clip, train_frames, _ = load(args.data, "train")
    val_fb, val_clip, _, val_events = load(args.data, "val")
    test_fb, test_clip, _, test_events = load(args.data, "test")
    n = len(train_fb) if not args.limit else min(args.limit, len(train_fb))
    model = AudioViT(small_config(len(NAMES))).to(DEVICE)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location=DEVICE))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.05)
    steps = max(1, args.epochs * math.ceil(n / args.batch))
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
    gen = torch.Generator().manual_seed(args.seed)
    best_map, best_state, log = -1.0, None, []
    if args.epochs == 0:
        best_map, _ = ev.mean_average_precision(predict(model, val_fb)[0], val_clip)
        best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(n, generator=gen).numpy()
        t0 = time.time()
        total = 0.0
        for s in range(0, n, args.batch):
            idx = np.sort(order[s:s + args.batch])
            x = spec_augment(batch_input(train_fb, idx), gen)
            yc = torch.from_numpy(train_clip[idx]).to(DEVICE)
            yf = torch.from_numpy(train_frames[idx]).to(DEVICE)
            logits, frame_logits = model(x)
            loss = F.binary_cross_entropy_with_logits(logits, yc) + F.binary_cross_entropy_with_logits(frame_logits, yf)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        val_probs, _ = predict(model, val_fb)
        val_map, _ = ev.mean_average_precision(val_probs, val_clip)
        log.append({"epoch": epoch + 1, "loss": total / n, "val_map": val_map, "seconds": time.time() - t0})
        print(json.dumps(log[-1]), flush=True)
        if val_map > best_map:
            best_map = val_map
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            torch.save(best_state, os.path.join(args.out, "model.pt"))  # the best so far survives an interruption
    model.load_state_dict({k: v.to(DEVICE) for k, v in best_state.items()})
    val_probs, val_frame_probs = predict(model, val_fb)
    clip_thr, enter, exit_ = calibrate(val_probs, val_clip, val_frame_probs, val_events)
    test_probs, test_frame_probs = predict(model, test_fb)
    test_map, test_aps = ev.mean_average_precision(test_probs, test_clip)
    test_events_pr = ev.precision_recall(event_counts(test_frame_probs, test_events, enter, exit_))
    metrics = {
        "val_map": best_map, "test_map": test_map,
        "test_ap": {NAMES[c]: test_aps[c] for c in range(len(NAMES))},
        "test_events": test_events_pr,
        "event_rule": {"column_seconds": COLUMN_SECONDS, "tolerance_seconds": TOLERANCE,
                       "min_duration_seconds": MIN_DURATION, "merge_gap_seconds": MERGE_GAP},
        "thresholds": {"clip": dict(zip(NAMES, clip_thr)), "enter": dict(zip(NAMES, enter)),
                       "exit": dict(zip(NAMES, exit_))},
        "training": {"epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed,
                     "train_clips": n, "log": log},
    }
    torch.save(best_state, os.path.join(args.out, "model.pt"))
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    print(json.dumps({k: metrics[k] for k in ("val_map", "test_map", "test_events")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
