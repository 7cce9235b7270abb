"""Converts a checkpoint of AudioMAE's fine-tuned audio classifier, or of MAViL's audio-only fine-tuned model (the
same names), into an avstream audio-event package; or one of MAViL's fine-tuned audio-visual model (audio and video
encoders, fusion blocks, the head on both; blocks_v, blocks_av, head_av) into an audio-visual package.

    /usr/bin/python3 models/python/convert_mavil.py CHECKPOINT.pth --out DIR --labels class_labels_indices.csv \
        [--threshold 0.3]

The checkpoint may be a bare state_dict or a dict holding it under 'model' (as AudioMAE saves it), 'state_dict' or
'model_state_dict'; 'module.' prefixes are removed. The architecture is ViT-B/16 over [1, 1024, 128] log-mel input
with a global-pool head; the class count is read from 'head.weight'. Any missing or unexpected key, or a shape
mismatch, stops the conversion with the list of offending keys. An audio-visual checkpoint (blocks_v, blocks_av,
head_av) becomes MAViL's ViT-B/16 audio-visual model (mavil_av.full_config: 12 + 12 blocks, 3 fusion blocks, 2 x 16 x
16 tubelets over 8 x 224 x 224 frames), checked key by key the same way, and an audio-visual package (task
audio-visual-events; its audio-only model for windows without video is a converted audio-only checkpoint).

--labels is AudioSet's class_labels_indices.csv (index,mid,display_name; the order of the head's rows). The converted
package tags with one threshold for every class (--threshold) and derives the event thresholds from it; calibrate them
on data of your own for real use (models/python/train_audio_events.py shows how).
"""
from __future__ import annotations

import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import mavil, mavil_av  # noqa: E402
from avstream_models.checkpoints import ConversionError, check_compatible, extract_state_dict, load  # noqa: E402
import export_audio_events  # noqa: E402
import export_av  # noqa: E402


def read_labels(path: str):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or not {"index", "mid", "display_name"} <= set(rows[0]):
        raise ConversionError(f"{path}: expected AudioSet's class_labels_indices.csv (index,mid,display_name)")
    return [(int(r["index"]), r["mid"], r["display_name"]) for r in rows]


def load_model(checkpoint_path: str) -> mavil.AudioViT:
    """AudioMAE's (or MAViL's audio-only) fine-tuned classifier; an audio-visual checkpoint is refused here (it has no
    audio-only head: load_av_model reads it)."""
    sd = extract_state_dict(load(checkpoint_path))
    if any(k.startswith(("blocks_v.", "blocks_av.", "head_av.")) for k in sd):
        raise ConversionError("this is a MAViL audio-visual checkpoint (blocks_v, blocks_av, head_av): it has no "
                              "audio-only head; convert an audio-only fine-tuned checkpoint")
    w = sd.get("head.weight")
    if w is None or w.dim() != 2:
        raise ConversionError("checkpoint has no 'head.weight' (the classifier)")
    model = mavil.AudioViT(mavil.full_config(num_classes=int(w.shape[0])))
    check_compatible(model, sd, "AudioMAE ViT-B/16 audio classifier")
    model.load_state_dict(sd, strict=True)
    return model.eval()


def is_audio_visual(checkpoint_path: str) -> bool:
    return any(k.startswith(("blocks_v.", "blocks_av.", "head_av.")) for k in extract_state_dict(load(checkpoint_path)))


def load_av_model(checkpoint_path: str) -> mavil_av.AudioVisualMAViL:
    """MAViL's fine-tuned audio-visual model from a checkpoint with the official names, every key and shape checked."""
    sd = extract_state_dict(load(checkpoint_path))
    w = sd.get("head_av.weight")
    if w is None or w.dim() != 2:
        raise ConversionError("checkpoint has no 'head_av.weight' (the audio-visual classifier)")
    model = mavil_av.AudioVisualMAViL(mavil_av.full_config(num_classes=int(w.shape[0])))
    check_compatible(model, sd, "MAViL ViT-B/16 audio-visual classifier")
    model.load_state_dict(sd, strict=True)
    return model.eval()


def convert(checkpoint_path: str, out_dir: str, labels, threshold: float = 0.3) -> dict:
    """Writes the package to out_dir (its name is the folder's name)."""
    av = is_audio_visual(checkpoint_path)
    model = load_av_model(checkpoint_path) if av else load_model(checkpoint_path)
    n = model.cfg.audio.num_classes if av else model.cfg.num_classes
    if len(labels) != n:
        raise ConversionError(f"{len(labels)} labels given, checkpoint has {n} classes")
    post = {"clip_thresholds": [threshold] * n,
            "events": {"enter": [threshold] * n, "exit": [round(threshold * 0.7, 4)] * n,
                       "min_duration_ms": 300, "merge_gap_ms": 350}}
    if av:
        return export_av.write_package(
            model, out_dir, "1.0.0",
            "MAViL audio-visual classifier (ViT-B/16 audio and video encoders, 3 fusion blocks, head on the mean audio "
            "and mean video tokens), converted from a published checkpoint.",
            {"kind": "official-converted", "note": f"converted from {os.path.basename(checkpoint_path)} by "
                                                   f"models/python/convert_mavil.py; thresholds {threshold} for every "
                                                   "class, not calibrated"},
            post, {"script": "models/python/convert_mavil.py", "seed": None}, labels=labels)
    return export_audio_events.write_package(
        model, os.path.join(out_dir), "1.0.0",
        "AudioMAE / MAViL audio-only classifier (ViT-B/16, global pool), converted from a published checkpoint.",
        {"kind": "official-converted", "note": f"converted from {os.path.basename(checkpoint_path)} by models/python/convert_mavil.py; "
                                               f"thresholds {threshold} for every class, not calibrated"},
        post, {"script": "models/python/convert_mavil.py", "seed": None}, labels=labels)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--out", required=True)
    ap.add_argument("--labels", required=True, help="AudioSet class_labels_indices.csv")
    ap.add_argument("--threshold", type=float, default=0.3)
    args = ap.parse_args(argv)
    try:
        manifest = convert(args.checkpoint, args.out, read_labels(args.labels), args.threshold)
    except ConversionError as e:
        print(f"convert_mavil: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {manifest['provenance']['parameters']} parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
