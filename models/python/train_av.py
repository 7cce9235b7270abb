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
from avstream_models.mavil_av import AudioVisualMAViL, Temporal, small_config  # noqa: E402
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
        k = av.cfg.temporal_kernel
        self.temporal_a = Temporal(a.embed_dim, k) if k else None

    def encode_audio(self, fbank):
        return self.av.encode_audio(fbank)

    def fuse(self, x, video=None):
        for blk in self.blocks_a:
            x = blk(x)
        audio = x[:, 1:]
        t, f = self.cfg.grid
        columns = audio.reshape(-1, t, f, self.cfg.embed_dim).mean(dim=2)
        columns = self.fc_norm_a(columns)
        if self.temporal_a is not None:
            columns = self.temporal_a(columns)
        return self.head_a(self.fc_norm_a(audio.mean(dim=1))), self.head_a(columns)


def build(kind: str, audio_package: str, temporal_kernel: int = 0, frame_video: bool = False):
    """The model with the audio package's encoder loaded and frozen."""
    cfg = small_config(len(NAMES))
    cfg.temporal_kernel = temporal_kernel
    cfg.frame_video = frame_video
    av = AudioVisualMAViL(cfg)
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
from avstream_models.video_golden import preprocess, preprocess_frames  # noqa: E402


def video_input(video, idx) -> torch.Tensor:
    """[B, 3, 8, 224, 224]: each clip's 8 frames decoded and preprocessed as the job does."""
    clips = []
    for i in idx:
        frames = [preprocess(av_data.decode_jpeg(j)) for j in av_data.clip_jpegs(video, int(i))]    # [3, 224, 224]
        clips.append(torch.stack(frames, dim=1))
    return torch.stack(clips).to(tae.DEVICE)


def decoded_frames(video, n: int, threads: int = 8) -> torch.Tensor:
    """[n, 8, H, W, 3] uint8: the first n clips' frames decoded (in threads: the decoder releases the GIL)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(threads) as pool:
        clips = list(pool.map(lambda i: np.stack([av_data.decode_jpeg(j) for j in av_data.clip_jpegs(video, i)]), range(n)))
    return torch.from_numpy(np.stack(clips))


def preprocess_batch(frames: torch.Tensor) -> torch.Tensor:
    """[B, 3, 8, 224, 224] from [B, 8, H, W, 3] uint8 (on any device): video_golden.preprocess of every frame."""
    b, t, h, w, _ = frames.shape
    return preprocess_frames(frames.reshape(b * t, h, w, 3)).reshape(b, t, 3, 224, 224).permute(0, 2, 1, 3, 4)


class Runner:
    """One model kind's forward over clip indices: audio-visual or audio-only; from the cached audio tokens (frozen
    encoder), or from the filterbanks through the model's own encoder (``fbank`` given: fine-tuned encoder, SpecAugment
    with ``gen`` while training); the video decoded per batch, or from ``video_cache`` ([N, 3, 8, 224, 224])."""

    def __init__(self, kind: str, model, tokens, video, fbank=None, video_cache=None, gen=None):
        self.kind, self.model, self.tokens, self.video = kind, model, tokens, video
        self.fbank, self.video_cache, self.gen = fbank, video_cache, gen

    def __call__(self, idx):
        if self.fbank is not None:
            fb = self.fbank[torch.from_numpy(np.asarray(idx)).to(self.fbank.device)].float().to(tae.DEVICE)
            x = tae.normalise(fb).unsqueeze(1)
            if self.gen is not None and self.model.training:
                x = tae.spec_augment(x, self.gen)
            x = self.model.encode_audio(x)
        else:
            x = self.tokens[torch.from_numpy(np.asarray(idx))].float().to(tae.DEVICE)
        if self.kind != "av":
            return self.model.fuse(x, None)
        if self.video_cache is not None:
            v = preprocess_batch(self.video_cache[torch.from_numpy(np.asarray(idx)).to(self.video_cache.device)]
                                 .to(tae.DEVICE))
        else:
            v = video_input(self.video, idx)
        return self.model.fuse(x, v)


def predict(kind, model, tokens, video, batch: int = 16, fbank=None):
    model.eval()
    run = Runner(kind, model, tokens, video, fbank=fbank)
    clips, frames = [], []
    count = len(fbank) if fbank is not None else len(tokens)
    with torch.no_grad():
        for s in range(0, count, batch):
            logits, frame_logits = run(np.arange(s, min(count, s + batch)))
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


def encoder_parameters(model):
    """The audio encoder's parameters (of the audio-visual model, or of the one an AudioOnly wraps)."""
    av = model.av if isinstance(model, AudioOnly) else model
    return [p for n, p in av.named_parameters() if is_encoder(n)]


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
    ap.add_argument("--max-minutes", type=float, default=0,
                    help="train only as many epochs as fit in this long (from the first epoch's time)")
    ap.add_argument("--audio-package", default=AUDIO_PACKAGE, help="the audio-event package whose encoder is used")
    ap.add_argument("--init", help="start from these weights (a model.pt); with --epochs 0, only calibrate and test")
    ap.add_argument("--finetune-audio", type=float, default=0.0, metavar="SCALE",
                    help="also train the audio encoder, at SCALE times the learning rate, from the filterbanks "
                         "(with SpecAugment); 0: frozen, from its cached tokens")
    ap.add_argument("--train-only", action="store_true",
                    help="only the train split is in --data: train for --epochs, save the last weights, no "
                         "calibration or test (run again with --init and --epochs 0 where val and test are)")
    ap.add_argument("--temporal-kernel", type=int, default=0,
                    help="a temporal layer over the per-column features, over this many columns (0: none)")
    ap.add_argument("--frame-weight", type=float, default=1.0, help="the per-column loss's weight against the clip's")
    ap.add_argument("--frame-video", action="store_true",
                    help="the per-column outputs see the video tokens of their time, not the whole span's mean")
    ap.add_argument("--cache-video", action="store_true",
                    help="decode every training clip's frames once and keep them on the device, resized and "
                         "normalised there per batch (GPU runs)")
    args = ap.parse_args(argv)
    tae.DEVICE = torch.device(args.device)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    finetune = args.finetune_audio > 0
    data = {}
    splits = ("train",) if args.train_only else ("val", "test") if args.epochs == 0 else ("train", "val", "test")
    for split in splits:
        fb, clip, frames, events = tae.load(args.data, split)
        events = [[e[:3] for e in clip_events] for clip_events in events]    # kind, onset, offset (faint, hidden)
        data[split] = (fb, clip, frames, events, av_data.load_video(args.data, split),
                       np.load(os.path.join(args.data, f"{split}_faint.npy")))
    train_fb, train_clip, train_frames, _, train_video, _ = data.get("train", (np.zeros((0,)),) + (None,) * 5)
    n = len(train_fb) if not args.limit else min(args.limit, len(train_fb))
    model = build(args.model, args.audio_package, args.temporal_kernel, args.frame_video).to(tae.DEVICE)
    if finetune:
        for p in encoder_parameters(model):
            p.requires_grad_(True)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location=tae.DEVICE))
    t0 = time.time()
    tokens, fbanks = {}, {}
    for split in data:
        if finetune:    # the filterbanks themselves, float16 (on the device for the training clips)
            fbanks[split] = torch.from_numpy(np.array(data[split][0]))
            if split == "train" and args.device != "cpu":
                fbanks[split] = fbanks[split].to(tae.DEVICE)
            continue
        # cached next to the data, by the audio package's digest: both model kinds share them
        cache = os.path.join(args.data, f"{split}_tokens_{sha256(args.audio_package)[:12]}.pt")
        if os.path.exists(cache):
            tokens[split] = torch.load(cache)
        else:
            tokens[split] = audio_tokens(model, data[split][0])
            torch.save(tokens[split], cache + ".part")
            os.replace(cache + ".part", cache)
    if tokens:
        print(f"audio tokens of {sum(len(t) for t in tokens.values())} clips in {time.time() - t0:.0f} s", flush=True)
    video_cache = None
    if args.cache_video and args.model == "av" and n:
        t0 = time.time()
        video_cache = decoded_frames(train_video, n).to(tae.DEVICE)
        print(f"frames of {n} clips decoded in {time.time() - t0:.0f} s", flush=True)
    encoder = {id(p) for p in encoder_parameters(model)}
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in trainable if id(p) not in encoder], "lr": args.lr}]
    if finetune:
        groups.append({"params": [p for p in trainable if id(p) in encoder], "lr": args.lr * args.finetune_audio})
    opt = torch.optim.AdamW(groups, lr=args.lr, weight_decay=0.05)
    per_epoch = math.ceil(n / args.batch)
    plan = {"epochs": args.epochs, "steps": max(1, args.epochs * per_epoch)}
    warm = max(1, plan["steps"] // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / plan["steps"]))))
    gen = torch.Generator().manual_seed(args.seed)
    run = Runner(args.model, model, tokens.get("train"), train_video, fbank=fbanks.get("train"), video_cache=video_cache,
                 gen=gen if finetune else None)

    def evaluate(split):
        return predict(args.model, model, tokens.get(split), data[split][4], fbank=fbanks.get(split))

    best_map, best_state, log = -1.0, None, []
    started = time.time()
    if args.epochs == 0:
        best_map, _ = ev.mean_average_precision(evaluate("val")[0], data["val"][1])
        best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    for epoch in range(args.epochs):
        if epoch >= plan["epochs"]:
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
            loss = (F.binary_cross_entropy_with_logits(logits, yc)
                    + args.frame_weight * F.binary_cross_entropy_with_logits(frame_logits, yf))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        entry = {"epoch": epoch + 1, "loss": total / n, "seconds": time.time() - t0}
        if args.max_minutes and epoch == 0:
            # as many epochs as fit in the time given, the learning-rate schedule planned over them
            fit = max(1, int(args.max_minutes * 60 // max(1e-3, time.time() - started)))
            if fit < plan["epochs"]:
                plan.update(epochs=fit, steps=fit * per_epoch)
                print(f"{fit} epochs fit in {args.max_minutes} min: the schedule is planned over them", flush=True)
        if args.train_only:
            log.append(entry)
            print(json.dumps(log[-1]), flush=True)
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            continue
        val_probs, _ = evaluate("val")
        val_map, _ = ev.mean_average_precision(val_probs, data["val"][1])
        entry["val_map"] = val_map
        log.append(entry)
        print(json.dumps(log[-1]), flush=True)
        if val_map > best_map:
            best_map = val_map
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            torch.save(best_state, os.path.join(args.out, "model.pt"))
    training = {"epochs": len(log), "epochs_requested": args.epochs, "max_minutes": args.max_minutes,
                "batch": args.batch, "lr": args.lr, "seed": args.seed, "train_clips": n,
                "sequence_share": av_data.read_summary(args.data).get("sequence_share", 0.0),
                "finetune_audio": args.finetune_audio, "temporal_kernel": args.temporal_kernel,
                "frame_weight": args.frame_weight, "frame_video": args.frame_video, "device": args.device, "log": log}
    trained = os.path.join(os.path.dirname(os.path.abspath(args.init)), "training.json") if args.init else ""
    if args.epochs == 0 and os.path.exists(trained):
        with open(trained) as f:    # the --train-only run that made the weights: its recipe and log
            training = {**json.load(f)["training"], "calibrated_and_tested_on": args.device}
    if args.train_only:
        torch.save(best_state, os.path.join(args.out, "model.pt"))
        with open(os.path.join(args.out, "training.json"), "w") as f:
            json.dump({"model": args.model, "training": training}, f, indent=1)
        return 0
    model.load_state_dict({k: v.to(tae.DEVICE) for k, v in best_state.items()})
    _, val_clip, _, val_events, _, _ = data["val"]
    val_probs, val_frame_probs = evaluate("val")
    clip_thr, enter, exit_ = tae.calibrate(val_probs, val_clip, val_frame_probs, val_events)
    _, test_clip, _, test_events, _, test_faint = data["test"]
    test_probs, test_frame_probs = evaluate("test")
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
        "training": training,
    }
    np.save(os.path.join(args.out, "test_probs.npy"), test_probs)
    np.save(os.path.join(args.out, "test_frame_probs.npy"), test_frame_probs)
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    print(json.dumps({k: metrics[k] for k in ("model", "val_map", "test_map", "test_faint_only_map", "test_events")},
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
