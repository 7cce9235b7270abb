"""Converts a checkpoint of the published STMT model into an avstream model package.

    /usr/bin/python3 models/python/convert_stmt.py CHECKPOINT.pth --out DIR [--labels FILE] [--name NAME]

The checkpoint may be a bare state_dict or a dict holding it under 'model_state_dict',
'state_dict' or 'model' (the published training script saves {'epoch', 'state_dict', ...});
'module.' prefixes (DataParallel) are removed. The model is the full-size configuration; the
class count is read from the checkpoint (56 for the published model). Any missing or unexpected
key, or a shape mismatch, stops the conversion with the list of offending keys.

labels.txt: --labels FILE (one name per line, in class-index order) or, by default, one line per
class of the form 'kit_<id>' where <id> is the dataset's original action id (0..59 without 30,
39, 57 and 58, in order), since the published code carries no class names.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import OrderedDict

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models.checkpoints import ConversionError, check_compatible, extract_state_dict, load  # noqa: E402,F401
from avstream_models.packaging import write_package  # noqa: E402
from avstream_models.stmt import STMT, full_config  # noqa: E402

SKIPPED_IDS = (30, 39, 57, 58)


def default_labels(num_classes: int):
    ids = [i for i in range(60) if i not in SKIPPED_IDS]
    if num_classes == len(ids):
        return [f"kit_{i}" for i in ids]
    return [f"class_{i}" for i in range(num_classes)]


def num_classes_of(sd) -> int:
    w = sd.get("mlp_head.5.weight")
    if w is None or w.dim() != 2:
        raise ConversionError("checkpoint has no 'mlp_head.5.weight' (the classifier's last layer)")
    return int(w.shape[0])


def load_model(checkpoint_path: str) -> STMT:
    sd = extract_state_dict(load(checkpoint_path))
    model = STMT(full_config(num_classes=num_classes_of(sd)))
    check_compatible(model, sd, "full-size STMT")
    model.load_state_dict(sd, strict=True)
    return model.eval()


def convert(checkpoint_path: str, out_dir: str, labels=None, name: str = "stmt-official",
            topology: str = None) -> dict:
    model = load_model(checkpoint_path)
    n = model.cfg.num_classes
    labels = labels or default_labels(n)
    if len(labels) != n:
        raise ConversionError(f"{len(labels)} labels given, checkpoint has {n} classes")
    return write_package(
        model, out_dir, name, labels,
        description=("STMT (Spatial-Temporal Mesh Transformer, CVPR 2023) action recogniser on 24 frames x "
                     "128 mesh vertices with their geodesic distances; full-size configuration."),
        weights={"kind": "official-converted",
                 "note": f"converted from {os.path.basename(checkpoint_path)} by models/python/convert_stmt.py"},
        script="models/python/convert_stmt.py", seed=None, topology=topology)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--out", required=True, help="package directory to write")
    ap.add_argument("--labels", help="label names, one per line, in class-index order")
    ap.add_argument("--name", default="stmt-official")
    ap.add_argument("--topology", help="id of the mesh topology the job's frames use (its OBJ must be on the job's "
                    "class path as avstream/topologies/<id>.obj); default: the project's synthetic humanoid")
    args = ap.parse_args(argv)
    labels = None
    if args.labels:
        with open(args.labels) as f:
            labels = [ln.strip() for ln in f if ln.strip()]
    try:
        manifest = convert(args.checkpoint, args.out, labels, args.name, args.topology)
    except ConversionError as e:
        print(f"convert_stmt: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {manifest['provenance']['parameters']} parameters, "
          f"{len(manifest['sha256'])} files checksummed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
