"""Builds the STMT model package with seeded random weights, and its golden vectors.

Run from the repository root with Debian's system interpreter:

    /usr/bin/python3 models/python/export_stmt.py            # stmt-small package + golden vectors
    /usr/bin/python3 models/python/export_stmt.py --full     # also the full-size model, to /tmp
    /usr/bin/python3 models/python/export_stmt.py --state STATE.pt --report STATE.json
                                                  # trained weights from train_stmt.py

Writes
  models/packages/stmt-small/{model.onnx, labels.txt, model.json}
  models/src/test/resources/golden/stmt-small/{points.f32, geodist_frame.f32, logits.f32, README.md}
  (--package-dir / --golden-dir write them elsewhere, e.g. for a smoke run)
  (--full) <full-dir>/model.onnx etc. for the full-size architecture (56 classes; not for the repository)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models.packaging import export_onnx, check_onnx, write_package  # noqa: E402
from avstream_models.stmt import STMT, count_forward_parameters, count_parameters, full_config, small_config  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
SMALL_DIR = os.path.join(REPO, "models", "packages", "stmt-small")
GOLDEN_DIR = os.path.join(REPO, "models", "src", "test", "resources", "golden", "stmt-small")
LABELS = ["walk", "run", "jump", "wave", "squat", "kick", "punch", "turn"]
SEED = 0
UNTRAINED = {"kind": "untrained",
             "note": "seeded random weights; trained weights come from the training script"}


def build(cfg, seed: int = SEED) -> STMT:
    """Seeded random model in eval mode; BatchNorm statistics are randomised too so that the
    normalisation layers are exercised by the export and the golden vectors."""
    torch.manual_seed(seed)
    model = STMT(cfg)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm1d):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.5 + 0.75)
    return model.eval()


def load_trained(state_path: str, report_path: str):
    """The small model with the weights of train_stmt.py, its report, and the package's weights
    section and provenance additions that say how it was trained."""
    with open(report_path) as f:
        report = json.load(f)
    if report.get("labels") != LABELS:
        raise SystemExit(f"{report_path}: labels {report.get('labels')} differ from the package's {LABELS}")
    cfg = small_config(num_classes=len(LABELS))
    if report.get("config") not in (None, cfg.to_dict()):
        raise SystemExit(f"{report_path}: the model config differs from the small preset")
    model = STMT(cfg)
    state = torch.load(state_path, map_location="cpu")
    model.load_state_dict(state, strict=True)
    model.eval()
    h, t, d = report["heldout"], report["training"], report["dataset"]
    note = (f"trained on synthetic MoCap (avstream synthetic humanoid, {d['train_actors']} training actors; "
            f"data set: {d['command']}) with models/python/train_stmt.py, {t['epochs']} epochs, seed "
            f"{t['seeds']['torch_and_numpy']}; held-out actors ({d['test_actors']}, disjoint seeds): accuracy "
            f"{h['accuracy_pure']:.4f} on {h['windows_pure']} 2 s windows inside one action, "
            f"{h['accuracy_all']:.4f} on all {h['windows_all']} streaming windows (majority label). "
            "Recognises the 8 synthetic actions only; not trained on real motion capture.")
    weights = {"kind": "synthetic-trained", "note": note}
    provenance = {
        "training": {
            "script": "models/python/train_stmt.py",
            "command": report.get("command"),
            "dataset_command": d["command"],
            "dataset_sha256": d.get("sha256"),
            "train_actors": d["train_actors"], "test_actors": d["test_actors"],
            "epochs": t["epochs"], "batch_size": t["batch_size"], "optimizer": t["optimizer"], "lr": t["lr"],
            "weight_decay": t["weight_decay"], "schedule": t["schedule"], "label_smoothing": t["label_smoothing"],
            "augmentation": t["augmentation"], "windows": t["windows"], "min_share": t["min_share"],
            "train_hop_ms": t["train_hop_ms"], "test_hop_ms": t["test_hop_ms"], "seeds": t["seeds"],
            "final_weights": t["final_weights"],
            "environment": report.get("environment"), "wall_s": round(report["timing"]["wall_s"], 1),
        },
        "heldout": {
            "accuracy_pure": h["accuracy_pure"], "windows_pure": h["windows_pure"], "rule_pure": h["rule_pure"],
            "accuracy_all": h["accuracy_all"], "windows_all": h["windows_all"], "rule_all": h["rule_all"],
            "confusion_pure": h["confusion_pure"], "confusion_all": h["confusion_all"],
            "confusion_layout": "rows = truth, columns = prediction, label order of labels.txt",
        },
    }
    return model, weights, provenance, report


# the package version: predictions carry it (and it is part of their ids), so weights that
# predict differently get a version of their own
UNTRAINED_VERSION = "0.1.0"
TRAINED_VERSION = "0.2.0"


def golden_inputs(seed: int = SEED, batch: int = 3, frames: int = 24, n: int = 128):
    """Three windows: smooth-ish point trajectories in [-0.6, 0.6] and, per window, one symmetric
    non-negative [n, n] geodesic matrix with zero diagonal, repeated over the frames."""
    g = torch.Generator().manual_seed(seed + 100)
    base = (torch.rand(batch, 1, n, 3, generator=g) * 2 - 1) * 0.5
    phase = torch.rand(batch, 1, n, 3, generator=g) * 6.2832
    t = torch.arange(frames, dtype=torch.float32).view(1, frames, 1, 1)
    points = (base + 0.1 * torch.sin(0.3 * t + phase)).clamp(-0.6, 0.6)      # [B,T,n,3]
    rest = base[:, 0]                                                         # [B,n,3]
    eu = torch.cdist(rest, rest)
    noise = torch.rand(batch, n, n, generator=g) * 0.4
    geod_frame = eu * (1.0 + (noise + noise.transpose(1, 2)) / 2) * 1.7       # metres, ~1.7 m body
    geod_frame = geod_frame * (1 - torch.eye(n))
    geodist = geod_frame.unsqueeze(1).expand(batch, frames, n, n).contiguous()
    return points.contiguous(), geod_frame.contiguous(), geodist


def write_f32(path: str, t: torch.Tensor) -> None:
    np.ascontiguousarray(t.detach().numpy(), dtype="<f4").tofile(path)


def time_per_window(model: STMT, batch: int, reps: int = 5) -> float:
    cfg = model.cfg
    pts, _, geod = golden_inputs(batch=batch, frames=cfg.frames, n=cfg.points)
    with torch.no_grad():
        model(pts, geod)
        t0 = time.perf_counter()
        for _ in range(reps):
            model(pts, geod)
    return (time.perf_counter() - t0) / reps / batch


def export_small(package_dir: str = SMALL_DIR, golden_dir: str = GOLDEN_DIR, state: str = None,
                 report: str = None) -> None:
    if state:
        model, weights, extra, rep = load_trained(state, report)
        seed = rep["training"]["seeds"]["torch_and_numpy"]
        weights_text = (f"weights trained by models/python/train_stmt.py ({rep['training']['epochs']} epochs, "
                        f"seed {seed}; see model.json provenance.training)")
        command = "/usr/bin/python3 models/python/export_stmt.py --state STATE.pt --report STATE.json"
        version = TRAINED_VERSION
    else:
        model = build(small_config(num_classes=len(LABELS)))
        weights, extra, seed = UNTRAINED, None, SEED
        weights_text = "seeded random weights, seed 0"
        command = "/usr/bin/python3 models/python/export_stmt.py"
        version = UNTRAINED_VERSION
    cfg = model.cfg
    manifest = write_package(
        model, package_dir, "stmt-small", LABELS,
        description=("STMT (Spatial-Temporal Mesh Transformer) action recogniser on 24 frames x 128 mesh "
                     "vertices with their geodesic distances; small CPU-sized configuration, same "
                     "structure and parameter names as the published model."),
        weights=weights, script="models/python/export_stmt.py", seed=seed, extra_provenance=extra, version=version)
    size = os.path.getsize(os.path.join(package_dir, "model.onnx"))
    print(f"stmt-small: {manifest['provenance']['parameters']} parameters "
          f"({manifest['provenance']['parameters_in_forward']} used in forward), ONNX {size} bytes")

    os.makedirs(golden_dir, exist_ok=True)
    points, geod_frame, geodist = golden_inputs(frames=cfg.frames, n=cfg.points)
    with torch.no_grad():
        logits = model(points, geodist)
    write_f32(os.path.join(golden_dir, "points.f32"), points)
    write_f32(os.path.join(golden_dir, "geodist_frame.f32"), geod_frame)
    write_f32(os.path.join(golden_dir, "logits.f32"), logits)
    with open(os.path.join(golden_dir, "README.md"), "w", newline="\n") as f:
        f.write(GOLDEN_README.format(torch=torch.__version__, weights=weights_text, command=command,
                                     logits=np.array2string(logits.numpy(), precision=6)))
    print("golden logits:\n", logits.numpy())

    torch.set_num_threads(1)
    for b in (1, 8):
        print(f"torch CPU, 1 thread, batch {b}: {1000 * time_per_window(model, b):.1f} ms per window")


def export_full(out_dir: str) -> None:
    model = build(full_config(num_classes=56))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    export_onnx(model, path)
    check_onnx(path)
    print(f"full-size: {count_parameters(model)} parameters ({count_forward_parameters(model)} used in "
          f"forward), ONNX {os.path.getsize(path)} bytes at {path}")


GOLDEN_README = """# STMT golden vectors (stmt-small)

Inputs and PyTorch outputs of `models/packages/stmt-small/model.onnx` ({weights}),
for checking the Java/ONNX Runtime path. Made by

    {command}

(torch {torch}; inputs from seed 0). All files are raw little-endian float32, row-major, no header.

| file | shape | content |
|---|---|---|
| `points.f32` | [3, 24, 128, 3] | three windows of vertex positions, values in [-0.6, 0.6] |
| `geodist_frame.f32` | [3, 128, 128] | one geodesic matrix per window (symmetric, non-negative, zero diagonal) |
| `logits.f32` | [3, 8] | PyTorch logits (labels: walk, run, jump, wave, squat, kick, punch, turn) |

The model input `geodist` is [3, 24, 128, 128]: window b uses `geodist_frame[b]` for each of its
24 frames (the matrix is repeated over the frame axis; a fixed mesh topology gives one matrix
per template). ONNX Runtime 1.21.1 (CPU, Java) reproduces these logits to about 2e-7; use a
tolerance of about 1e-4. The graph selects neighbours and sampling centres by comparing
distances (farthest point sampling, top-k); the smallest selection margin in these inputs is
about 7e-7, far above float32 rounding of those distances, so every runtime should select the
same points.

Logits:

```
{logits}
```
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="also export the full-size architecture")
    ap.add_argument("--full-dir", default="/tmp/stmt-full", help="where the full-size ONNX goes")
    ap.add_argument("--skip-small", action="store_true", help="do not rewrite stmt-small and the golden files")
    ap.add_argument("--state", help="state_dict written by train_stmt.py: package these trained weights")
    ap.add_argument("--report", help="the JSON report train_stmt.py wrote with --state (required with --state)")
    ap.add_argument("--package-dir", default=SMALL_DIR, help="where stmt-small goes (default: the repository's)")
    ap.add_argument("--golden-dir", default=GOLDEN_DIR, help="where the golden vectors go (default: the repository's)")
    args = ap.parse_args(argv)
    if args.state and not args.report:
        ap.error("--state needs --report (the training report: how the weights were made)")
    if args.report and not args.state:
        ap.error("--report needs --state")
    if not args.skip_small:
        export_small(args.package_dir, args.golden_dir, args.state, args.report)
    if args.full:
        export_full(args.full_dir)


if __name__ == "__main__":
    main()
