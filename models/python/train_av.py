"""Trains the small audio-visual model (MAViL's audio-visual classifier, small configuration) on the project's
audio-visual clips, and, with ``--model audio``, an audio-only model of the same size on the same clips and recipe,
so that both are measured on the same held-out clips.

    /usr/bin/python3 -m avstream_models.av_data --out /tmp/av-data             (from models/python)
    /usr/bin/python3 models/python/train_av.py --data /tmp/av-data --out /tmp/av-train
    /usr/bin/python3 models/python/train_av.py --data /tmp/av-data --out /tmp/av-audio --model audio

Both start from the audio encoder of the shipped audio-event model (``--audio-package``, read back from its ONNX
graph: mavil.state_from_onnx) and keep it frozen, as MAViL fine-tunes its fusion on pre-trained encoders; its
tokens are computed once per clip. What is trained: for ``av``, the video encoder, the fusion blocks and the head;
for ``audio``, the same number of blocks over the audio tokens alone and a head. So the two differ only in whether
the picture is seen.

The video input is made from the clips' JPEG frames as the job makes it (decode, bilinear resize to 224 x 224
without antialiasing, ImageNet normalisation: video_golden.preprocess). Loss, calibration and test metrics are
train_audio_events.py's; the test metrics add the mAP over the classes that only a faint event makes in a clip
(where the picture must carry the decision). Seeded; CPU runs are not bit-reproducible across machines.
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

import train_audio_events as tae  # noqa: E402
from avstream_models import av_data, events as ev, mavil  # noqa: E402
from avstream_models.audio_events_data import NAMES  # noqa: E402
from avstream_models.mavil_av import AudioVisualMAViL, small_config  # noqa: E402
from avstream_models.packaging import sha256  # noqa: E402

AUDIO_PACKAGE = os.path.join(HERE, "..", "packages", "mavil-audio-small", "model.onnx")


def is_encoder(name: str) -> bool:
    """Whether a parameter belongs to the audio encoder (not to the video encoder's namesakes)."""
    return name in ("cls_token", "pos_embed") or name.startswith(("patch_embed.", "blocks."))


class AudioOnly(torch.nn.Module):
    """The audio-only counterpart: the audio encoder, then as many blocks as the fusion has over the audio tokens
    alone, LayerNorm and a linear head; clip and per-column logits as the audio-visual model's."""

    def __init__(self, av: AudioVisualMAViL):
        super().__init__()
        a = av.cfg.audio
        self.cfg = a
        self.av = av    # its audio encoder only
        self.blocks_a = torch.nn.ModuleList([mavil.Block(a.embed_dim, a.num_heads, a.mlp_ratio)
                                             for _ in range(len(av.blocks_av))])
        self.fc_norm_a = torch.nn.LayerNorm(a.embed_dim, eps=1e-6)
        self.head_a = torch.nn.Linear(a.embed_dim, a.num_classes)
        for m in (self.blocks_a, self.fc_norm_a, self.head_a):
            m.apply(mavil.AudioViT._init)

    def encode_audio(self, fbank):
        return self.av.encode_audio(fbank)

    def fuse(self, x, video=None):
        for blk in self.blocks_a:
            x = blk(x)
        audio = x[:, 1:]
        t, f = self.cfg.grid
        columns = audio.reshape(-1, t, f, self.cfg.embed_dim).mean(dim=2)
        return self.head_a(self.fc_norm_a(audio.mean(dim=1))), self.head_a(self.fc_norm_a(columns))


def build(kind: str, audio_package: str):
    """The model with the audio package's encoder loaded and frozen."""
    av = AudioVisualMAViL(small_config(len(NAMES)))
    state = mavil.state_from_onnx(audio_package, av.cfg.audio)
    encoder = {k: v for k, v in state.items() if is_encoder(k)}
    missing = av.load_state_dict(encoder, strict=False).missing_keys
    assert not [k for k in missing if is_encoder(k)], missing
    for name, p in av.named_parameters():
        if is_encoder(name):
            p.requires_grad_(False)
    return av if kind == "av" else AudioOnly(av)


def audio_tokens(model, fb, batch: int = 32) -> torch.Tensor:
    """The frozen encoder's tokens of every clip, [N, 513, D] float16."""
    model.eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(fb), batch):
            out.append(model.encode_audio(tae.batch_input(fb, np.arange(s, min(len(fb), s + batch)))).half().cpu())
    return torch.cat(out)
from avstream_models.video_golden import preprocess  # noqa: E402


def video_input(video, idx) -> torch.Tensor:
    """[B, 3, 8, 224, 224]: each clip's 8 frames decoded and preprocessed as the job does."""
    clips = []
    for i in idx:
        frames = [preprocess(av_data.decode_jpeg(j)) for j in av_data.clip_jpegs(video, int(i))]    # [3, 224, 224]
        clips.append(torch.stack(frames, dim=1))
    return torch.stack(clips).to(tae.DEVICE)


class Runner:
    """One model kind's forward over clip indices, from the cached audio tokens: audio-visual or audio-only."""

    def __init__(self, kind: str, model, tokens, video):
        self.kind, self.model, self.tokens, self.video = kind, model, tokens, video

    def __call__(self, idx):
        x = self.tokens[torch.from_numpy(np.asarray(idx))].float().to(tae.DEVICE)
        return self.model.fuse(x, video_input(self.video, idx) if self.kind == "av" else None)


def predict(kind, model, tokens, video, batch: int = 16):
    model.eval()
    run = Runner(kind, model, tokens, video)
    clips, frames = [], []
    with torch.no_grad():
        for s in range(0, len(tokens), batch):
            logits, frame_logits = run(np.arange(s, min(len(tokens), s + batch)))
            clips.append(torch.sigmoid(logits).cpu().numpy())
            frames.append(torch.sigmoid(frame_logits).cpu().numpy())
    return np.concatenate(clips), np.concatenate(frames)


def faint_map(probs, clip_y, faint_y):
    """mAP over the classes, each on the clips where it is absent or present only through faint events."""
    aps = []
    for c in range(clip_y.shape[1]):
        keep = (clip_y[:, c] == 0) | (faint_y[:, c] > 0)
        if faint_y[keep, c].sum() == 0:
            continue
        aps.append(ev.average_precision(probs[keep, c], faint_y[keep, c]))
    return float(np.mean(aps)) if aps else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", choices=("av", "audio"), default="av")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="use only this many training clips (quick runs)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop starting epochs after this long")
    ap.add_argument("--audio-package", default=AUDIO_PACKAGE, help="the audio-event package whose encoder is used")
    ap.add_argument("--init", help="start from these weights (a model.pt); with --epochs 0, only calibrate and test")
    args = ap.parse_args(argv)
    tae.DEVICE = torch.device(args.device)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    data = {}
    for split in ("train", "val", "test"):
        fb, clip, frames, events = tae.load(args.data, split)
        events = [[e[:3] for e in clip_events] for clip_events in events]    # kind, onset, offset (faint, hidden)
        data[split] = (fb, clip, frames, events, av_data.load_video(args.data, split),
                       np.load(os.path.join(args.data, f"{split}_faint.npy")))
    train_fb, train_clip, train_frames, _, train_video, _ = data["train"]
    n = len(train_fb) if not args.limit else min(args.limit, len(train_fb))
    model = build(args.model, args.audio_package).to(tae.DEVICE)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location=tae.DEVICE))
    t0 = time.time()
    tokens = {}
    for split in data:    # cached next to the data, by the audio package's digest: both model kinds share them
        cache = os.path.join(args.data, f"{split}_tokens_{sha256(args.audio_package)[:12]}.pt")
        if os.path.exists(cache):
            tokens[split] = torch.load(cache)
        else:
            tokens[split] = audio_tokens(model, data[split][0])
            torch.save(tokens[split], cache + ".part")
            os.replace(cache + ".part", cache)
    print(f"audio tokens of {sum(len(t) for t in tokens.values())} clips in {time.time() - t0:.0f} s", flush=True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.05)
    steps = max(1, args.epochs * math.ceil(n / args.batch))
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
    gen = torch.Generator().manual_seed(args.seed)
    run = Runner(args.model, model, tokens["train"], train_video)
    best_map, best_state, log = -1.0, None, []
    started = time.time()
    if args.epochs == 0:
        best_map, _ = ev.mean_average_precision(predict(args.model, model, tokens["val"], data["val"][4])[0], data["val"][1])
        best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    for epoch in range(args.epochs):
        if args.max_minutes and time.time() - started > args.max_minutes * 60:
            break
        model.train()
        order = torch.randperm(n, generator=gen).numpy()
        t0 = time.time()
        total = 0.0
        for s in range(0, n, args.batch):
            idx = np.sort(order[s:s + args.batch])
            yc = torch.from_numpy(train_clip[idx]).to(tae.DEVICE)
            yf = torch.from_numpy(train_frames[idx]).to(tae.DEVICE)
            logits, frame_logits = run(idx)
            loss = F.binary_cross_entropy_with_logits(logits, yc) + F.binary_cross_entropy_with_logits(frame_logits, yf)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        val = data["val"]
        val_probs, _ = predict(args.model, model, tokens["val"], val[4])
        val_map, _ = ev.mean_average_precision(val_probs, val[1])
        log.append({"epoch": epoch + 1, "loss": total / n, "val_map": val_map, "seconds": time.time() - t0})
        print(json.dumps(log[-1]), flush=True)
        if val_map > best_map:
            best_map = val_map
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            torch.save(best_state, os.path.join(args.out, "model.pt"))
    model.load_state_dict({k: v.to(tae.DEVICE) for k, v in best_state.items()})
    val_fb, val_clip, _, val_events, val_video, _ = data["val"]
    val_probs, val_frame_probs = predict(args.model, model, tokens["val"], val_video)
    clip_thr, enter, exit_ = tae.calibrate(val_probs, val_clip, val_frame_probs, val_events)
    test_fb, test_clip, _, test_events, test_video, test_faint = data["test"]
    test_probs, test_frame_probs = predict(args.model, model, tokens["test"], test_video)
    test_map, test_aps = ev.mean_average_precision(test_probs, test_clip)
    test_events_pr = ev.precision_recall(tae.event_counts(test_frame_probs, test_events, enter, exit_))
    metrics = {
        "model": args.model, "val_map": best_map, "test_map": test_map,
        "test_faint_only_map": faint_map(test_probs, test_clip, test_faint),
        "test_ap": {NAMES[c]: test_aps[c] for c in range(len(NAMES))},
        "test_events": test_events_pr,
        "event_rule": {"column_seconds": tae.COLUMN_SECONDS, "tolerance_seconds": tae.TOLERANCE,
                       "min_duration_seconds": tae.MIN_DURATION, "merge_gap_seconds": tae.MERGE_GAP},
        "thresholds": {"clip": dict(zip(NAMES, clip_thr)), "enter": dict(zip(NAMES, enter)),
                       "exit": dict(zip(NAMES, exit_))},
        "training": {"epochs": len(log), "batch": args.batch, "lr": args.lr, "seed": args.seed,
                     "train_clips": n, "log": log},
    }
    np.save(os.path.join(args.out, "test_probs.npy"), test_probs)
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    print(json.dumps({k: metrics[k] for k in ("model", "val_map", "test_map", "test_faint_only_map", "test_events")},
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
