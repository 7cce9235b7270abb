"""Builds an audio-event model package (MAViL's audio branch, AudioMAE names) and its golden vectors.

    /usr/bin/python3 models/python/export_audio_events.py --state /tmp/ae-train/model.pt \
        --metrics /tmp/ae-train/metrics.json --data /tmp/ae-data          # the bundled mavil-audio-small

writes
  models/packages/mavil-audio-small/{model.onnx, model.json, labels.txt, label_ids.txt}
  models/src/test/resources/golden/mavil-audio-small/{fbank.f32, logits.f32, frame_logits.f32, README.md}
(--package-dir / --golden-dir write them elsewhere; --tiny writes a seeded random tiny model of the same
signature, for tests of the job's plumbing only.)

The package's model.json carries what the job needs around the graph: the filterbank and normalisation the
model was trained with (preprocessing), the labels' AudioSet mids (label_ids.txt), and the calibrated
thresholds of the tags and of the event tracker (postprocessing), with the held-out metrics in provenance.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from avstream_models import mavil  # noqa: E402
from avstream_models.audio_events_data import LABELS, NAMES  # noqa: E402
from avstream_models.packaging import sha256  # noqa: E402

NAME = "mavil-audio-small"
PACKAGE_DIR = os.path.join(REPO, "models", "packages", NAME)
GOLDEN_DIR = os.path.join(REPO, "models", "src", "test", "resources", "golden", NAME)
OPSET = 17
LICENCE = ("avstream project; weights trained by the project on audio it synthesised (espeak-ng, flite, fluidsynth "
           "with the FluidR3 General MIDI soundfont, numpy); no third-party weights")

PREPROCESSING = {
    "sample_rate": 16000,
    "fbank": "kaldi: htk_compat, hanning window, 25 ms frames every 10 ms, 128 mel bins, no dither, no energy, "
             "log of mel power (KaldiFbank.mavil())",
    "num_mel_bins": 128,
    "frame_shift_ms": 10,
    "frame_length_ms": 25,
    "frames": mavil.TARGET_FRAMES,
    "padding": "zeros at the end, before normalisation",
    "normalisation_mean": mavil.FBANK_MEAN,
    "normalisation_std": mavil.FBANK_STD,
    "normalisation": "(x - mean) / (2 * std)",
    "column_frames": 16,
}


def postprocessing(metrics: dict) -> dict:
    """The package's postprocessing from a training run's metrics: calibrated clip and event thresholds per class."""
    th = metrics["thresholds"]
    rule = metrics["event_rule"]
    return {"clip_thresholds": [th["clip"][n] for n in NAMES],
            "events": {"enter": [th["enter"][n] for n in NAMES], "exit": [th["exit"][n] for n in NAMES],
                       "min_duration_ms": int(round(rule["min_duration_seconds"] * 1000)),
                       "merge_gap_ms": int(round(rule["merge_gap_seconds"] * 1000))}}


def write_package(model: mavil.AudioViT, out_dir: str, version: str, description: str, weights: dict,
                  postprocessing: dict, provenance: dict, labels=LABELS) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    cfg = model.cfg
    onnx_path = os.path.join(out_dir, "model.onnx")
    mavil.export_onnx(model, onnx_path, opset=OPSET)
    with open(os.path.join(out_dir, "labels.txt"), "w", newline="\n") as f:
        f.write("\n".join(n for _, _, n in labels) + "\n")
    with open(os.path.join(out_dir, "label_ids.txt"), "w", newline="\n") as f:
        f.write("\n".join(m for _, m, _ in labels) + "\n")
    t, _ = cfg.grid
    manifest = {
        "format": 1,
        "name": os.path.basename(out_dir.rstrip("/")),
        "version": version,
        "task": "audio-events",
        "architecture": "MAViL-audio",
        "description": description,
        "weights": weights,
        "inputs": [{"name": "fbank", "dtype": "float32", "shape": [-1, 1, cfg.frames, cfg.mel_bins]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": [-1, cfg.num_classes]},
                    {"name": "frame_logits", "dtype": "float32", "shape": [-1, t, cfg.num_classes]}],
        "activation": "sigmoid",
        "labels": "labels.txt",
        "label_ids": "label_ids.txt",
        "preprocessing": PREPROCESSING,
        "postprocessing": postprocessing,
        "provenance": dict({"torch": torch.__version__, "opset": OPSET, "licence": LICENCE,
                            "config": {k: getattr(cfg, k) for k in ("num_classes", "embed_dim", "depth", "num_heads",
                                                                     "mlp_ratio", "frames", "mel_bins", "patch")},
                            "parameters": mavil.count_parameters(model, trainable_only=False),
                            "audioset_indices": [i for i, _, _ in labels]}, **provenance),
        "sha256": {f: sha256(os.path.join(out_dir, f)) for f in ("model.onnx", "labels.txt", "label_ids.txt")},
    }
    with open(os.path.join(out_dir, "model.json"), "w", newline="\n") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


def write_golden(model: mavil.AudioViT, fbank: np.ndarray, out_dir: str, note: str) -> None:
    """fbank [N, 1024, 128] raw log-mel (padded): the model input (normalised), and PyTorch's outputs."""
    os.makedirs(out_dir, exist_ok=True)
    x = mavil.normalise(torch.from_numpy(fbank.astype(np.float32))).unsqueeze(1)
    with torch.no_grad():
        logits, frames = model.eval()(x)
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, "fbank.f32"))
    logits.numpy().astype("<f4").tofile(os.path.join(out_dir, "logits.f32"))
    frames.numpy().astype("<f4").tofile(os.path.join(out_dir, "frame_logits.f32"))
    n, c = logits.shape
    with open(os.path.join(out_dir, "README.md"), "w", newline="\n") as f:
        f.write(f"""# Golden vectors of {os.path.basename(out_dir)}

Inputs and PyTorch outputs of the package's `model.onnx`, for checking the Java/ONNX Runtime path. Made by
`models/python/export_audio_events.py` (torch {torch.__version__}); {note}. Raw little-endian float32, row-major.

| file | shape | content |
|---|---|---|
| `fbank.f32` | [{n}, 1, 1024, 128] | the model input: log-mel filterbank, padded and normalised |
| `logits.f32` | [{n}, {c}] | clip logits |
| `frame_logits.f32` | [{n}, {frames.shape[1]}, {c}] | per-column logits (16 frames, 160 ms each) |
""")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state", help="trained state_dict (train_audio_events.py's model.pt)")
    ap.add_argument("--metrics", help="its metrics.json (thresholds and held-out results)")
    ap.add_argument("--data", help="the data folder, for the golden inputs (test clips)")
    ap.add_argument("--package-dir", default=PACKAGE_DIR)
    ap.add_argument("--golden-dir", default=GOLDEN_DIR)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--tiny", action="store_true", help="a seeded random tiny model of the same signature")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    if args.tiny:
        cfg = mavil.AudioViTConfig(num_classes=len(NAMES), embed_dim=32, depth=1, num_heads=2)
        model = mavil.AudioViT(cfg).eval()
        n = len(NAMES)
        post = {"clip_thresholds": [0.5] * n,
                "events": {"enter": [0.5] * n, "exit": [0.35] * n, "min_duration_ms": 300, "merge_gap_ms": 350}}
        write_package(model, args.package_dir, args.version,
                      "Random tiny model with the signature of the audio-event models; for tests of the job only.",
                      {"kind": "untrained", "note": "seeded random weights (torch.manual_seed(0)); predicts nothing"},
                      post, {"script": "models/python/export_audio_events.py --tiny", "seed": 0})
        rng = np.random.default_rng(0)
        write_golden(model, rng.normal(-4.0, 3.0, size=(2, 1024, 128)).astype(np.float32), args.golden_dir,
                     "inputs are seeded random log-mel values")
        return 0
    if not (args.state and args.metrics and args.data):
        ap.error("--state, --metrics and --data are needed (or --tiny)")
    with open(args.metrics) as f:
        metrics = json.load(f)
    model = mavil.AudioViT(mavil.small_config(len(NAMES)))
    model.load_state_dict(torch.load(args.state, map_location="cpu"))
    model.eval()
    post = postprocessing(metrics)
    summary = {k: metrics[k] for k in ("val_map", "test_map", "test_ap", "test_events")}
    with open(os.path.join(args.data, "summary.json")) as f:
        data = json.load(f)
    manifest = write_package(
        model, args.package_dir, args.version,
        ("MAViL's audio branch (AudioMAE ViT, published structure and parameter names) in a small CPU-sized configuration, "
         f"tagging {len(NAMES)} AudioSet classes with per-column (160 ms) outputs for event onsets and offsets."),
        {"kind": "synthetic-trained",
         "note": ("trained on the project's synthesised clips (models/python/avstream_models/audio_events_data.py: "
                  "espeak-ng and flite voices, General MIDI through fluidsynth, synthesised alarms and signals over noise) "
                  "with models/python/train_audio_events.py; held-out sources: test mAP "
                  f"{metrics['test_map']:.3f}, event precision {metrics['test_events']['precision']:.3f} and recall "
                  f"{metrics['test_events']['recall']:.3f} (0.5 s onset/offset tolerance). Knows the {len(NAMES)} classes only; "
                  "not trained on real-world recordings.")},
        post,
        {"script": "models/python/train_audio_events.py", "seed": metrics["training"]["seed"],
         "training": {k: v for k, v in metrics["training"].items() if k != "log"},
         "data": {"command": "/usr/bin/python3 -m avstream_models.audio_events_data --out DATA (from models/python)",
                  "seed": data["seed"], "splits": data["splits"]},
         "metrics": summary,
         "commands": [
             "(cd models/python && /usr/bin/python3 -m avstream_models.audio_events_data --out DATA)",
             "/usr/bin/python3 models/python/train_audio_events.py --data DATA --out OUT "
             f"--epochs {metrics['training']['epochs']} --lr {metrics['training']['lr']} --seed {metrics['training']['seed']}",
             "/usr/bin/python3 models/python/export_audio_events.py --state OUT/model.pt --metrics OUT/metrics.json --data DATA"],
         "metrics_note": ("metrics on the test split (held-out voices, phrases and seeds), written by train_audio_events.py "
                          "to OUT/metrics.json; thresholds calibrated on the validation split"),
         "data_licences": ("synthesised by the project with espeak-ng (GPL-3), flite (BSD-style), fluidsynth (LGPL-2.1) and "
                           "the FluidR3 GM soundfont (MIT, Debian fluid-soundfont-gm); the recordings are not redistributed")})
    fb = np.load(os.path.join(args.data, "test_fbank.npy"), mmap_mode="r")
    write_golden(model, np.asarray(fb[:1], dtype=np.float32), args.golden_dir, "the input is the first test clip")
    print(json.dumps({"package": args.package_dir, "parameters": manifest["provenance"]["parameters"],
                      "metrics": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
