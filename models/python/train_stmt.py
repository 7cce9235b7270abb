"""Trains the small STMT action recogniser on a data set written by `avstream export-dataset`.

Run from the repository root (Debian's /usr/bin/python3 with torch 1.13 here, or any python3 with
torch 2.x and CUDA on a GPU machine):

    python3 models/python/train_stmt.py --data DIR --device cuda --out-state /tmp/stmt-small.pt
    /usr/bin/python3 models/python/train_stmt.py --data DIR --device cpu --epochs 1 \\
        --limit-windows 16 --out-state /tmp/stmt-smoke.pt                      # smoke run

Windows are cut as the streaming job cuts them (avstream_models/mocap_preprocessing.py): 2 s span,
aligned to multiples of the hop in each actor's time (training hop 0.25 s, held-out hop 1 s), kept
with at least 40 of the 50 expected frames, 24 frames at the bin midpoints, per-clip normalisation,
the template geodesic matrix (metres) for every frame. Training windows need a majority action of
at least 75 % of their frames. Held-out accuracy is reported on the windows that lie inside one
action (no transition frames) and on all held-out windows (majority label).

Writes the final state_dict (--out-state) and a JSON report (--report, default: the state path with
.json): accuracies, confusion matrices (rows = truth), per-epoch loss, seeds, data set meta, timing.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import mocap_preprocessing as mp  # noqa: E402
from avstream_models.stmt import STMT, count_forward_parameters, small_config  # noqa: E402

DEFAULTS = dict(epochs=20, batch_size=128, lr=1e-3, weight_decay=0.05, warmup_epochs=2, train_hop_ms=250,
                test_hop_ms=1000, min_share=0.75, label_smoothing=0.1, seed=0)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="data set directory (avstream export-dataset --out)")
    ap.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    ap.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    ap.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"])
    ap.add_argument("--lr", type=float, default=DEFAULTS["lr"], help="peak AdamW learning rate")
    ap.add_argument("--weight-decay", type=float, default=DEFAULTS["weight_decay"])
    ap.add_argument("--warmup-epochs", type=float, default=DEFAULTS["warmup_epochs"],
                    help="linear warm-up before the cosine decay")
    ap.add_argument("--train-hop-ms", type=int, default=DEFAULTS["train_hop_ms"])
    ap.add_argument("--test-hop-ms", type=int, default=DEFAULTS["test_hop_ms"])
    ap.add_argument("--min-share", type=float, default=DEFAULTS["min_share"],
                    help="training windows need this share of their frames in the majority action")
    ap.add_argument("--label-smoothing", type=float, default=DEFAULTS["label_smoothing"])
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    ap.add_argument("--limit-windows", type=int, default=0,
                    help="use at most N training and N held-out windows (smoke runs)")
    ap.add_argument("--eval-every", type=int, default=5, help="log held-out accuracy every N epochs (not used "
                    "to pick weights: the final weights are saved)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--out-state", required=True, help="where the final state_dict goes (.pt)")
    ap.add_argument("--report", default=None, help="JSON report (default: --out-state with .json)")
    return ap.parse_args(argv)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def prepare(split: mp.Split, fps: float, hop_us: int, limit: int, rng: np.random.RandomState, keep=None):
    windows = mp.cut_windows(split, fps, hop_us=hop_us)
    if keep is not None:
        windows = [w for w in windows if keep(w)]
    if limit and len(windows) > limit:
        idx = np.sort(rng.choice(len(windows), size=limit, replace=False))
        windows = [windows[i] for i in idx]
    x = mp.window_points(split, windows)
    y = np.array([w.label for w in windows], dtype=np.int64)
    pure = np.array([w.pure for w in windows], dtype=bool)
    return windows, x, y, pure


def augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """Training only: rotation about the vertical (y) axis by any angle, horizontal scale 0.9-1.1
    per clip, Gaussian jitter sigma 0.005 clipped at 0.02 (normalised units; 1 = clip height).
    Random numbers are drawn on the CPU so that a seed gives the same draws on every device."""
    b = x.shape[0]
    theta = (torch.rand(b, generator=g) * 2 - 1) * math.pi
    scale = 0.9 + 0.2 * torch.rand(b, generator=g)
    jitter = (torch.randn(x.shape, generator=g) * 0.005).clamp_(-0.02, 0.02)
    c, s = torch.cos(theta) * scale, torch.sin(theta) * scale
    zero, one = torch.zeros(b), torch.ones(b)
    # column vectors: x' = c x + s z, y' = y, z' = -s x + c z; points are rows, so multiply by R^T
    rt = torch.stack([torch.stack([c, zero, -s], -1), torch.stack([zero, one, zero], -1),
                      torch.stack([s, zero, c], -1)], 1)                    # [B, 3, 3] = R^T
    rt, jitter = rt.to(x.device), jitter.to(x.device)
    return torch.matmul(x.reshape(b, -1, 3), rt).reshape(x.shape) + jitter


def evaluate(model: STMT, x: np.ndarray, geodist: torch.Tensor, device: torch.device, batch: int) -> np.ndarray:
    model.eval()
    preds = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = torch.from_numpy(x[i:i + batch]).to(device)
            gb = geodist.expand(xb.shape[0], -1, -1, -1)
            preds.append(model(xb, gb).argmax(-1).cpu().numpy())
    return np.concatenate(preds) if preds else np.zeros(0, dtype=np.int64)


def confusion(truth: np.ndarray, pred: np.ndarray, k: int) -> list:
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (truth, pred), 1)
    return m.tolist()


def accuracy(truth: np.ndarray, pred: np.ndarray) -> float:
    return float((truth == pred).mean()) if len(truth) else float("nan")


def main(argv=None) -> dict:
    args = parse_args(argv)
    t_start = time.perf_counter()
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda but torch sees no CUDA device (use --device cpu)")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    seed_everything(args.seed)

    meta, geod, splits = mp.load_dataset(args.data)
    labels = meta["labels"]
    k = len(labels)
    fps = float(meta["fps"])
    rng = np.random.RandomState(args.seed)
    t0 = time.perf_counter()
    tr_w, tr_x, tr_y, _ = prepare(splits["train"], fps, args.train_hop_ms * 1000, args.limit_windows, rng,
                                  keep=lambda w: w.share >= args.min_share)
    te_w, te_x, te_y, te_pure = prepare(splits["test"], fps, args.test_hop_ms * 1000, args.limit_windows, rng)
    t_prep = time.perf_counter() - t0
    counts = np.bincount(tr_y, minlength=k).tolist()
    print(f"data: {len(tr_w)} training windows (hop {args.train_hop_ms} ms, share >= {args.min_share}), "
          f"{len(te_w)} held-out windows (hop {args.test_hop_ms} ms, {int(te_pure.sum())} inside one action); "
          f"prepared in {t_prep:.1f} s", flush=True)
    print("training windows per action: " + ", ".join(f"{l} {c}" for l, c in zip(labels, counts)), flush=True)

    geodist = torch.from_numpy(geod).to(device).view(1, 1, *geod.shape).expand(1, mp.FRAMES, -1, -1)
    x_train = torch.from_numpy(tr_x).to(device)
    y_train = torch.from_numpy(tr_y).to(device)

    torch.manual_seed(args.seed)
    model = STMT(small_config(num_classes=k)).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.999))
    steps_per_epoch = max(1, math.ceil(len(tr_w) / args.batch_size))
    total_steps = steps_per_epoch * args.epochs
    warmup = min(int(args.warmup_epochs * steps_per_epoch), max(0, total_steps - 1))

    def lr_factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    g_shuffle = torch.Generator().manual_seed(args.seed + 1)
    g_aug = torch.Generator().manual_seed(args.seed + 2)

    history = []
    t_train0 = time.perf_counter()
    step_times = []
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(tr_w), generator=g_shuffle).to(device)
        loss_sum, correct, seen = 0.0, 0, 0
        t_ep = time.perf_counter()
        for i in range(0, len(tr_w), args.batch_size):
            t_step = time.perf_counter()
            idx = perm[i:i + args.batch_size]
            xb = augment(x_train[idx], g_aug)
            yb = y_train[idx]
            logits = model(xb, geodist.expand(xb.shape[0], -1, -1, -1))
            loss = F.cross_entropy(logits, yb, label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            sched.step()
            loss_sum += float(loss.detach()) * len(idx)
            correct += int((logits.detach().argmax(-1) == yb).sum())
            seen += len(idx)
            step_times.append((time.perf_counter() - t_step, len(idx)))
        entry = {"epoch": epoch + 1, "loss": loss_sum / seen, "train_accuracy": correct / seen,
                 "lr_end": sched.get_last_lr()[0], "seconds": time.perf_counter() - t_ep}
        if args.eval_every and ((epoch + 1) % args.eval_every == 0 or epoch + 1 == args.epochs):
            pred = evaluate(model, te_x, geodist, device, 2 * args.batch_size)
            entry["heldout_accuracy_pure"] = accuracy(te_y[te_pure], pred[te_pure])
            entry["heldout_accuracy_all"] = accuracy(te_y, pred)
        history.append(entry)
        print(" ".join(f"{a} {b:.4g}" if isinstance(b, float) else f"{a} {b}" for a, b in entry.items()), flush=True)
    t_train = time.perf_counter() - t_train0

    pred = evaluate(model, te_x, geodist, device, 2 * args.batch_size)
    acc_pure = accuracy(te_y[te_pure], pred[te_pure])
    acc_all = accuracy(te_y, pred)
    cm_pure = confusion(te_y[te_pure], pred[te_pure], k)
    cm_all = confusion(te_y, pred, k)
    print(f"held-out accuracy: {acc_pure:.4f} on {int(te_pure.sum())} windows inside one action, "
          f"{acc_all:.4f} on all {len(te_y)} windows (majority label)")
    print("confusion (windows inside one action; rows = truth, columns = prediction):")
    print("        " + " ".join(f"{l[:6]:>6}" for l in labels))
    for l, row in zip(labels, cm_pure):
        print(f"{l:>7} " + " ".join(f"{v:6d}" for v in row))

    state = {n: t.detach().cpu() for n, t in model.state_dict().items()}
    os.makedirs(os.path.dirname(os.path.abspath(args.out_state)), exist_ok=True)
    torch.save(state, args.out_state)
    # forward + backward time per window (steps after the first, which include warm-up)
    timed = step_times[1:] if len(step_times) > 1 else step_times
    per_window = sum(t for t, _ in timed) / max(1, sum(n for _, n in timed))
    report = {
        "model": "stmt-small", "config": model.cfg.to_dict(),
        "parameters_in_forward": count_forward_parameters(model),
        "labels": labels,
        "heldout": {
            "accuracy_pure": acc_pure, "windows_pure": int(te_pure.sum()),
            "accuracy_all": acc_all, "windows_all": int(len(te_y)),
            "confusion_pure": cm_pure, "confusion_all": cm_all,
            "rule_pure": "windows whose frames all perform one action, none in a transition",
            "rule_all": "every held-out window the streaming job would emit, labelled with its majority action",
        },
        "training": {
            "epochs": args.epochs, "batch_size": args.batch_size, "optimizer": "AdamW",
            "lr": args.lr, "weight_decay": args.weight_decay, "schedule": "linear warm-up then cosine to 0, per step",
            "warmup_steps": warmup, "steps": total_steps, "label_smoothing": args.label_smoothing,
            "grad_clip_norm": 5.0,
            "augmentation": "rotation about y (uniform +-pi), horizontal scale 0.9-1.1, jitter sigma 0.005 clip 0.02",
            "windows": len(tr_w), "windows_per_action": counts, "min_share": args.min_share,
            "train_hop_ms": args.train_hop_ms, "test_hop_ms": args.test_hop_ms, "span_ms": mp.SPAN_US // 1000,
            "min_frames": mp.min_frames(fps), "limit_windows": args.limit_windows,
            "seeds": {"torch_and_numpy": args.seed, "shuffle": args.seed + 1, "augmentation": args.seed + 2},
            "final_weights": "the weights after the last epoch (held-out data are not used to pick them)",
            "history": history,
        },
        "dataset": {"path": os.path.abspath(args.data), "command": meta.get("command"),
                    "format": meta.get("format"), "topology": meta.get("topology"),
                    "generator": meta.get("generator"),
                    "train_actors": len(meta["splits"]["train"]), "test_actors": len(meta["splits"]["test"]),
                    "sha256": {n: f["sha256"] for n, f in meta.get("files", {}).items()}},
        "environment": {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
                        "device": args.device,
                        "device_name": torch.cuda.get_device_name(0) if device.type == "cuda" else platform.processor(),
                        "threads": torch.get_num_threads()},
        "timing": {"wall_s": time.perf_counter() - t_start, "prepare_s": t_prep, "train_s": t_train,
                   "train_step_s_per_window": per_window},
        "command": "python3 models/python/train_stmt.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "state": os.path.abspath(args.out_state),
    }
    report_path = args.report or os.path.splitext(args.out_state)[0] + ".json"
    with open(report_path, "w", newline="\n") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(f"saved {args.out_state} and {report_path}; wall {report['timing']['wall_s']:.1f} s, "
          f"training {t_train:.1f} s, {1000 * per_window:.1f} ms per window forward+backward")
    return report


if __name__ == "__main__":
    main()
