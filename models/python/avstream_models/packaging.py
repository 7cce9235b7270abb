"""Writing avstream model packages (model.onnx, labels.txt, model.json) for STMT."""
from __future__ import annotations

import hashlib
import json
import os
from typing import Iterable, Optional

import torch

from .stmt import STMT, count_forward_parameters, count_parameters

OPSET = 17

STMT_PREPROCESSING = {
    "frames": 24,
    "points": 128,
    "topology": "avstream-humanoid-v1",
    "frame_selection": "bin-midpoints",
    "normalisation": "bbox-centre-divide-y-extent",
    "geodesic": ("geodist[t][i][j] = geodesic distance along the mesh surface between the vertices at "
                 "points[t][i] and points[t][j] (same vertex order), in metres, not normalised (the "
                 "bbox-centre/y-extent scaling applies to points only); zero diagonal, symmetric, "
                 "non-negative. The model only ranks each row (nearest neighbours), so a uniform "
                 "scale of geodist does not change the output"),
}


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def example_inputs(batch: int, seed: int = 0, frames: int = 24, points: int = 128):
    """Plausible inputs: points in [-0.6, 0.6], geodist symmetric, non-negative, zero diagonal
    and at least the Euclidean distance (as a surface distance is)."""
    g = torch.Generator().manual_seed(seed)
    pts = (torch.rand(batch, frames, points, 3, generator=g) * 2 - 1) * 0.6
    eu = torch.cdist(pts, pts)                                                  # [B,T,N,N]
    noise = torch.rand(batch, frames, points, points, generator=g) * 0.3
    noise = (noise + noise.transpose(-1, -2)) / 2
    geod = eu * (1.0 + noise)
    geod = geod * (1 - torch.eye(points))
    return pts.contiguous(), geod.contiguous()


def export_onnx(model: STMT, path: str, batch: int = 2) -> None:
    model.eval()
    cfg = model.cfg
    pts, geod = example_inputs(batch, seed=123, frames=cfg.frames, points=cfg.points)
    with torch.no_grad():
        torch.onnx.export(model, (pts, geod), path, input_names=["points", "geodist"],
                          output_names=["logits"],
                          dynamic_axes={"points": {0: "batch"}, "geodist": {0: "batch"},
                                        "logits": {0: "batch"}},
                          opset_version=OPSET, do_constant_folding=True)


def check_onnx(path: str) -> None:
    """onnx.checker plus: inputs/outputs carry a symbolic batch dimension."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    for vi in list(m.graph.input) + list(m.graph.output):
        d0 = vi.type.tensor_type.shape.dim[0]
        if not d0.dim_param or d0.dim_value:
            raise AssertionError(f"{vi.name}: batch axis is not symbolic")


def write_package(model: STMT, out_dir: str, name: str, labels: Iterable[str], description: str,
                  weights: dict, script: str, seed: Optional[int], version: str = "0.1.0",
                  extra_provenance: Optional[dict] = None, topology: Optional[str] = None) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    labels = list(labels)
    cfg = model.cfg
    if len(labels) != cfg.num_classes:
        raise ValueError(f"{len(labels)} labels for {cfg.num_classes} classes")
    onnx_path = os.path.join(out_dir, "model.onnx")
    labels_path = os.path.join(out_dir, "labels.txt")
    export_onnx(model, onnx_path)
    check_onnx(onnx_path)
    with open(labels_path, "w", newline="\n") as f:
        f.write("\n".join(labels) + "\n")
    n = cfg.points
    manifest = {
        "format": 1,
        "name": name,
        "version": version,
        "task": "action",
        "architecture": "STMT",
        "description": description,
        "weights": weights,
        "inputs": [{"name": "points", "dtype": "float32", "shape": [-1, cfg.frames, n, 3]},
                   {"name": "geodist", "dtype": "float32", "shape": [-1, cfg.frames, n, n]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": [-1, cfg.num_classes]}],
        "activation": "softmax",
        "labels": "labels.txt",
        "preprocessing": dict(STMT_PREPROCESSING, frames=cfg.frames, points=n,
                              **({"topology": topology} if topology else {})),
        "provenance": {"script": script, "seed": seed, "torch": torch.__version__, "opset": OPSET,
                       "config": cfg.to_dict(), "parameters": count_parameters(model),
                       "parameters_in_forward": count_forward_parameters(model), **(extra_provenance or {})},
        "sha256": {"model.onnx": sha256(onnx_path), "labels.txt": sha256(labels_path)},
    }
    with open(os.path.join(out_dir, "model.json"), "w", newline="\n") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest
