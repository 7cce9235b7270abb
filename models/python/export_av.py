"""Builds the audio-visual event model package (MAViL's audio-visual classifier, official names) and its golden
vectors.

    /usr/bin/python3 models/python/export_av.py --state /tmp/av-train/model.pt --metrics /tmp/av-train/metrics.json \
        --audio-metrics /tmp/av-audio/metrics.json --data /tmp/av-data         # the bundled mavil-av-small

writes
  models/packages/mavil-av-small/{model.onnx, model.json, labels.txt, label_ids.txt}
  models/src/test/resources/golden/mavil-av-small/{fbank.f32, frame0.png .. frame7.png, logits.f32,
      frame_logits.f32, README.md}

The package's model.json carries what the job needs around the graph: the audio preprocessing of the audio-event
models, the video preprocessing (8 frames at 2 fps over the 4 s centred in the window, bilinear resize to 224 x 224,
ImageNet normalisation, [3, 8, 224, 224]), the calibrated thresholds, and in provenance the held-out metrics of
the model and of the audio-only model trained the same way on the same clips.

The golden video input is 8 lossless 224 x 224 frames (a test clip's JPEG frames, decoded and resized to
224 x 224 here, rounded to bytes), so that the job's preprocessing of them is a normalisation only and the check
is of the graph.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from avstream_models import av_data, mavil, mavil_av  # noqa: E402
from avstream_models.audio_events_data import LABELS, NAMES  # noqa: E402
from avstream_models.packaging import sha256  # noqa: E402
from avstream_models.video_golden import MEAN, STD, preprocess  # noqa: E402
from export_audio_events import OPSET, PREPROCESSING, postprocessing  # noqa: E402

NAME = "mavil-av-small"
TASK = "audio-visual-events"
PACKAGE_DIR = os.path.join(REPO, "models", "packages", NAME)
GOLDEN_DIR = os.path.join(REPO, "models", "src", "test", "resources", "golden", NAME)
LICENCE = ("avstream project; weights trained by the project on audio and pictures it synthesised (espeak-ng, flite, "
           "fluidsynth with the FluidR3 General MIDI soundfont, numpy, Pillow's JPEG encoder); the audio encoder is "
           "mavil-audio-small's; no third-party weights")
VIDEO = {
    "frames": mavil_av.FRAMES,
    "fps": av_data.FPS,
    "span_ms": int(mavil_av.FRAMES / av_data.FPS * 1000),
    "sampling": "frame k of 8 is the stream's frame nearest to centre - 2 s + k * 0.5 s, the centre being the audio "
                "window's middle (AV-SUPERB's mavil expert: 8 frames at 2 fps)",
    "size": mavil_av.IMAGE,
    "resize": "bilinear, align_corners=False, antialias=False, on RGB / 255, aspect not kept (Resize((224, 224)))",
    "mean": list(MEAN),
    "std": list(STD),
    "layout": "[3, frames, 224, 224]: channel, time, row, column",
    "training_frames": "320 x 240 JPEG at quality 85 (MediaCapture's default)",
}


def export_onnx(model: mavil_av.AudioVisualMAViL, path: str, batch: int = 2) -> None:
    model = model.eval()
    a = model.cfg.audio
    x = torch.randn(batch, 1, a.frames, a.mel_bins)
    v = torch.randn(batch, 3, model.cfg.frames, model.cfg.image, model.cfg.image)
    torch.onnx.export(model, (x, v), path, input_names=["fbank", "video"], output_names=["logits", "frame_logits"],
                      dynamic_axes={"fbank": {0: "batch"}, "video": {0: "batch"}, "logits": {0: "batch"},
                                    "frame_logits": {0: "batch"}},
                      opset_version=OPSET, do_constant_folding=True)


def write_package(model: mavil_av.AudioVisualMAViL, out_dir: str, version: str, description: str, weights: dict,
                  postprocessing: dict, provenance: dict, labels=LABELS) -> dict:
    """The package in ``out_dir`` (its name is the folder's): model.onnx, labels, label ids and model.json."""
    os.makedirs(out_dir, exist_ok=True)
    export_onnx(model, os.path.join(out_dir, "model.onnx"))
    with open(os.path.join(out_dir, "labels.txt"), "w", newline="\n") as f:
        f.write("\n".join(n for _, _, n in labels) + "\n")
    with open(os.path.join(out_dir, "label_ids.txt"), "w", newline="\n") as f:
        f.write("\n".join(m for _, m, _ in labels) + "\n")
    cfg = model.cfg
    a = cfg.audio
    t, _ = a.grid
    manifest = {
        "format": 1,
        "name": os.path.basename(out_dir.rstrip("/")),
        "version": version,
        "task": TASK,
        "architecture": "MAViL-audio-visual",
        "description": description,
        "weights": weights,
        "inputs": [{"name": "fbank", "dtype": "float32", "shape": [-1, 1, a.frames, a.mel_bins]},
                   {"name": "video", "dtype": "float32", "shape": [-1, 3, cfg.frames, cfg.image, cfg.image]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": [-1, a.num_classes]},
                    {"name": "frame_logits", "dtype": "float32", "shape": [-1, t, a.num_classes]}],
        "activation": "sigmoid",
        "labels": "labels.txt",
        "label_ids": "label_ids.txt",
        "preprocessing": dict(PREPROCESSING, video=VIDEO),
        "postprocessing": postprocessing,
        "provenance": dict({
            "torch": torch.__version__, "opset": OPSET,
            "config": {"num_classes": a.num_classes, "embed_dim": a.embed_dim, "depth": a.depth,
                       "video_depth": len(model.blocks_v), "fusion_depth": cfg.fusion_depth,
                       "num_heads": a.num_heads, "mlp_ratio": a.mlp_ratio, "frames": a.frames, "mel_bins": a.mel_bins,
                       "patch": a.patch, "video_frames": cfg.frames, "image": cfg.image, "tubelet": list(cfg.tubelet),
                       **({"temporal_kernel": cfg.temporal_kernel} if cfg.temporal_kernel else {})},
            "parameters": mavil.count_parameters(model, trainable_only=False),
            "audioset_indices": [i for i, _, _ in labels]}, **provenance),
        "sha256": {f: sha256(os.path.join(out_dir, f)) for f in ("model.onnx", "labels.txt", "label_ids.txt")},
    }
    with open(os.path.join(out_dir, "model.json"), "w", newline="\n") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest


def golden_clip(data: str) -> int:
    """The first test clip with an object in view during its video span and a faint event."""
    with open(os.path.join(data, "test_events.json")) as f:
        events = json.load(f)
    lo, hi = av_data.frame_times(av_data.CLIP_SECONDS / 2)[0], av_data.frame_times(av_data.CLIP_SECONDS / 2)[-1]
    for i, clip in enumerate(events):
        if any(on < hi and off > lo and not hidden and faint for _, on, off, faint, hidden in clip):
            return i
    return 0


def write_golden(model, fbank: np.ndarray, jpegs, out_dir: str, index: int) -> None:
    """A test clip: its normalised filterbank, its frames as lossless 224 x 224 PNGs, PyTorch's outputs."""
    from PIL import Image
    os.makedirs(out_dir, exist_ok=True)
    x = mavil.normalise(torch.from_numpy(fbank.astype(np.float32))).unsqueeze(1)
    frames = []
    for k, j in enumerate(jpegs):
        rgb = av_data.decode_jpeg(j)
        t = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0).float()
        small = torch.nn.functional.interpolate(t, size=(224, 224), mode="bilinear", align_corners=False)[0]
        small = small.round().clamp(0, 255).byte().permute(1, 2, 0).numpy()
        buf = io.BytesIO()
        Image.fromarray(small, "RGB").save(buf, format="PNG")
        with open(os.path.join(out_dir, f"frame{k}.png"), "wb") as f:
            f.write(buf.getvalue())
        frames.append(preprocess(small))
    v = torch.stack(frames, dim=1).unsqueeze(0)
    with torch.no_grad():
        logits, cols = model.eval()(x, v)
    x.numpy().astype("<f4").tofile(os.path.join(out_dir, "fbank.f32"))
    logits.numpy().astype("<f4").tofile(os.path.join(out_dir, "logits.f32"))
    cols.numpy().astype("<f4").tofile(os.path.join(out_dir, "frame_logits.f32"))
    with open(os.path.join(out_dir, "README.md"), "w", newline="\n") as f:
        f.write(f"""# Golden vectors of {NAME}

Inputs and PyTorch outputs of the package's `model.onnx`, for checking the Java/ONNX Runtime path. Made by
`models/python/export_av.py` (torch {torch.__version__}); the input is test clip {index} (the first with a faint
event in view). Raw little-endian
float32, row-major; frames lossless.

| file | shape | content |
|---|---|---|
| `fbank.f32` | [1, 1, 1024, 128] | the audio input: log-mel filterbank, padded and normalised |
| `frame0.png` .. `frame7.png` | 224 x 224 RGB | the video frames, oldest first; the model input is them / 255, ImageNet-normalised, as [1, 3, 8, 224, 224] |
| `logits.f32` | [1, {logits.shape[1]}] | clip logits |
| `frame_logits.f32` | [1, {cols.shape[1]}, {cols.shape[2]}] | per-column logits (16 audio frames, 160 ms each) |
""")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state", required=True, help="train_av.py's model.pt (--model av)")
    ap.add_argument("--metrics", required=True, help="its metrics.json")
    ap.add_argument("--audio-metrics", required=True, help="the audio-only run's metrics.json (--model audio)")
    ap.add_argument("--data", required=True, help="the data folder, for the golden inputs (test clips)")
    ap.add_argument("--package-dir", default=PACKAGE_DIR)
    ap.add_argument("--golden-dir", default=GOLDEN_DIR)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--stream-metrics",
                    help="avstream_models.av_stream's stream_metrics.json: the event rule calibrated on long "
                         "recordings in the job's conditions (lookahead, thresholds, minimum duration, merge gap)")
    args = ap.parse_args(argv)
    with open(args.metrics) as f:
        metrics = json.load(f)
    with open(args.audio_metrics) as f:
        audio = json.load(f)
    state = torch.load(args.state, map_location="cpu")
    cfg = mavil_av.small_config(len(NAMES))
    if "temporal_av.dw.weight" in state:    # trained with --temporal-kernel
        cfg.temporal_kernel = int(state["temporal_av.dw.weight"].shape[-1])
    cfg.frame_video = bool(metrics["training"].get("frame_video"))
    model = mavil_av.AudioVisualMAViL(cfg)
    model.load_state_dict(state)
    model.eval()
    post = postprocessing(metrics)
    stream = None
    if args.stream_metrics:
        with open(args.stream_metrics) as f:
            stream = json.load(f)
        post["events"] = {"enter": [stream["enter"][n] for n in NAMES], "exit": [stream["exit"][n] for n in NAMES],
                          "min_duration_ms": int(round(stream["min_duration_seconds"] * 1000)),
                          "merge_gap_ms": int(round(stream["merge_gap_seconds"] * 1000)),
                          "lookahead_ms": int(stream["lookahead_ms"])}
    keys = ("val_map", "test_map", "test_faint_only_map", "test_ap", "test_events")
    data = av_data.read_summary(args.data)
    training = {k: v for k, v in metrics["training"].items() if k != "log"}
    audio_training = {k: v for k, v in audio["training"].items() if k != "log"}
    temporal = f" --temporal-kernel {training['temporal_kernel']}" if training.get("temporal_kernel") else ""
    head = temporal + (f" --frame-weight {training.get('frame_weight', 1.0)}" if temporal else "")
    video_head = " --frame-video" if training.get("frame_video") else ""
    sequence = data.get("sequence_share", 0)
    seq_arg = f" --sequence-share {sequence}" if sequence else ""
    renderings = set(data["splits"]["train"].get("renderings_per_kind", {"any": 40}).values())
    bank_arg = f" --bank {renderings.pop()}" if renderings != {40} else ""    # av_data's default: 40
    audio_own_data = audio_training.get("sequence_share", 0) != sequence    # 0.4.0's audio-only: random layouts
    if training.get("finetune_audio", 0) > 0:
        # the GPU recipe: sources rendered once, the training clips made and both models trained on a GPU machine,
        # then calibrated and tested here
        encoder_note = (f"audio encoder: mavil-audio-small's, fine-tuned with the rest at {training['finetune_audio']} "
                        "times the learning rate (SpecAugment);")
        data_command = (f"/usr/bin/python3 -m avstream_models.av_data --save-banks BANKS.npz{bank_arg} --splits train, "
                        "then "
                        f"--banks BANKS.npz --splits train --train {training['train_clips']} --workers 16{seq_arg} "
                        "--out DATA, and "
                        "--splits val,test --out DATA (from models/python)")

        def budget(t):    # as run: the epochs asked for, and the minutes they had (before 0.5.0: the epochs run)
            if "epochs_requested" not in t:
                return f"--epochs {t['epochs']} --max-minutes 4"
            minutes = f" --max-minutes {t['max_minutes']}" if t["max_minutes"] else ""
            return f"--epochs {t['epochs_requested']}{minutes}"

        def fit(t):
            return f" ({t['epochs']} epochs fit)" if t.get("max_minutes") else ""
        recipe = (f"--batch {training['batch']} --lr {training['lr']} --finetune-audio {training['finetune_audio']}"
                  f"{head} --seed {training['seed']} --train-only")
        train = f"--data DATA --device cuda {budget(training)} {recipe}"
        audio_data = "DATA_AUDIO" if audio_own_data else "DATA"
        audio_train = f"--data {audio_data} --device cuda {budget(audio_training)} {recipe}"
        commands = [
            f"(cd models/python && /usr/bin/python3 -m avstream_models.av_data --save-banks BANKS.npz{bank_arg} "
            "--splits train)",
            "(cd models/python && python3 -m avstream_models.av_data --banks BANKS.npz --splits train "
            f"--train {training['train_clips']} --workers 16{seq_arg} --out DATA)   # on the GPU machine",
            "(cd models/python && /usr/bin/python3 -m avstream_models.av_data --splits val,test --out DATA)",
            f"python3 models/python/train_av.py {train}{video_head} --cache-video --out OUT   # on the GPU machine"
            + fit(training),
            f"python3 models/python/train_av.py {audio_train} --model audio --out OUT_AUDIO   # on the GPU machine"
            + fit(audio_training)
            + ("; DATA_AUDIO: the training clips made without --sequence-share" if audio_own_data else ""),
            f"/usr/bin/python3 models/python/train_av.py --data DATA --out OUT --init OUT/model.pt --epochs 0 "
            f"--finetune-audio {training['finetune_audio']}{temporal}{video_head}",
            f"/usr/bin/python3 models/python/train_av.py --data DATA --out OUT_AUDIO --model audio "
            f"--init OUT_AUDIO/model.pt --epochs 0 --finetune-audio {audio_training['finetune_audio']}"
            f"{temporal}",
            *([f"(cd models/python && /usr/bin/python3 -m avstream_models.av_stream --state OUT/model.pt"
               f"{temporal}{video_head} --lookahead-ms {stream['lookahead_ms']} --out STREAM)"]
              if stream else []),
            "/usr/bin/python3 models/python/export_av.py --state OUT/model.pt --metrics OUT/metrics.json "
            f"--audio-metrics OUT_AUDIO/metrics.json --data DATA --version {args.version}"
            + (" --stream-metrics STREAM/stream_metrics.json" if stream else "")]
    else:
        encoder_note = "audio encoder: mavil-audio-small's, frozen;"
        data_command = "/usr/bin/python3 -m avstream_models.av_data --out DATA (from models/python)"
        commands = [
            "(cd models/python && /usr/bin/python3 -m avstream_models.av_data --out DATA)",
            f"/usr/bin/python3 models/python/train_av.py --data DATA --out OUT --epochs {training['epochs']} "
            f"--lr {training['lr']} --seed {training['seed']}",
            f"/usr/bin/python3 models/python/train_av.py --data DATA --out OUT_AUDIO --model audio "
            f"--epochs {audio_training['epochs']} --lr {audio_training['lr']} --seed {audio_training['seed']}",
            "/usr/bin/python3 models/python/export_av.py --state OUT/model.pt --metrics OUT/metrics.json "
            "--audio-metrics OUT_AUDIO/metrics.json --data DATA"]
    manifest = write_package(
        model, args.package_dir, args.version,
        ("MAViL's fine-tuned audio-visual classifier (audio ViT, video ViT over 2 x 32 x 32 tubelets, a fusion block "
         "over both token sequences, the head on the mean audio and mean video tokens; official parameter names) in a "
         f"small CPU-sized configuration, tagging the {len(NAMES)} AudioSet classes of mavil-audio-small with per-column "
         "(160 ms) outputs" + (f" (through a temporal layer over {cfg.temporal_kernel} columns"
                               + (", each column next to the video of its time" if cfg.frame_video else "") + ")"
                               if cfg.temporal_kernel else "") + "."),
        {"kind": "synthetic-trained",
         "note": (f"{encoder_note} video encoder, fusion and head trained on the project's "
                  "audio-visual clips (models/python/avstream_models/av_data.py: audio-event clips with the sources "
                  "drawn as they sound, some sounding 30-45 dB down) with models/python/train_av.py; held-out "
                  f"sources: test mAP {metrics['test_map']:.3f} (audio-only model of the same size and recipe: "
                  f"{audio['test_map']:.3f}), on the classes only faint events make "
                  f"{metrics['test_faint_only_map']:.3f} (audio-only {audio['test_faint_only_map']:.3f}). Knows the "
                  f"{len(NAMES)} classes and the project's drawn objects only.")},
        post,
        {"licence": LICENCE,
         "script": "models/python/train_av.py", "seed": training["seed"], "training": training,
         "data": {"command": data_command, "seed": data["seed"], "splits": data["splits"]},
         "metrics": {k: metrics[k] for k in keys},
         **({"stream_metrics": {k: stream[k] for k in ("lookahead_ms", "min_duration_seconds", "merge_gap_seconds",
                                                       "tolerance_seconds", "val", "test", "demo")},
             "stream_metrics_note": (
                 "event precision and recall in the job's conditions (avstream_models/av_stream.py: the job's windows, "
                 "frame pairing and judged columns over long recordings, events one after another, some faint; the "
                 "thresholds, minimum duration and merge gap calibrated on recordings of the validation sources "
                 "(val), measured on recordings of the test sources (test) and on the demo recording (demo); an "
                 "event counts when its onset and offset are both within tolerance_seconds)")} if stream else {}),
         "audio_only_metrics": {k: audio[k] for k in keys},
         "commands": commands,
         "metrics_note": ("metrics on the test split (held-out voices, melodies, seeds and pictures); thresholds "
                          "calibrated on the validation split; test_faint_only_map: per class, the clips where it "
                          "is absent or made only by faint events"),
         "data_licences": ("synthesised by the project with espeak-ng (GPL-3), flite (BSD-style), fluidsynth "
                           "(LGPL-2.1) and the FluidR3 GM soundfont (MIT, Debian fluid-soundfont-gm); pictures drawn "
                           "with numpy; the recordings are not redistributed")})
    fb = np.load(os.path.join(args.data, "test_fbank.npy"), mmap_mode="r")
    first = golden_clip(args.data)
    write_golden(model, np.asarray(fb[first:first + 1], dtype=np.float32),
                 av_data.clip_jpegs(av_data.load_video(args.data, "test"), first), args.golden_dir, first)
    print(json.dumps({"package": args.package_dir, "parameters": manifest["provenance"]["parameters"],
                      "metrics": manifest["provenance"]["metrics"]["test_map"],
                      "audio_only": manifest["provenance"]["audio_only_metrics"]["test_map"]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
