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
    share_geodist(path, frames=cfg.frames, points=cfg.points)


SHARED_INPUTS = ("geodist",)

LICENCE = ("weights made by this project from data it generates itself; a package converted from an official "
           "checkpoint carries that checkpoint's licence (record it in provenance)")


def share_geodist(path: str, frames: int = 24, points: int = 128) -> None:
    """Rewrites an exported STMT graph so that its geodesic input is shared by the whole batch.

    The geodesic matrices depend only on the mesh topology, so every window of a batch has the same
    [frames, points, points] input. The graph input becomes that one tensor (declared "shared" in
    model.json and passed once per batch); inside the graph it is expanded to [batch, frames, points,
    points] with the batch size read from `points`, and the original nodes read the expanded tensor.
    The weights and every other node are untouched, so the outputs are the same as before for windows
    of one topology. Idempotent.
    """
    import onnx
    from onnx import TensorProto, helper
    m = onnx.load(path)
    g = m.graph
    inp = next(i for i in g.input if i.name == "geodist")
    dims = inp.type.tensor_type.shape.dim
    if len(dims) == 3:
        return
    expanded = "geodist_batched"
    for n in g.node:
        for k, name in enumerate(n.input):
            if name == "geodist":
                n.input[k] = expanded
    new_input = helper.make_tensor_value_info("geodist", TensorProto.FLOAT, [frames, points, points])
    g.input.remove(inp)
    g.input.append(new_input)
    pre = [
        helper.make_node("Constant", [], ["geodist_axes0"],
                         value=helper.make_tensor("geodist_axes0_v", TensorProto.INT64, [1], [0])),
        helper.make_node("Unsqueeze", ["geodist", "geodist_axes0"], ["geodist_1"], name="geodist_unsqueeze"),
        helper.make_node("Shape", ["points"], ["geodist_points_shape"], name="geodist_points_shape"),
        helper.make_node("Constant", [], ["geodist_zero"],
                         value=helper.make_tensor("geodist_zero_v", TensorProto.INT64, [1], [0])),
        helper.make_node("Constant", [], ["geodist_one"],
                         value=helper.make_tensor("geodist_one_v", TensorProto.INT64, [1], [1])),
        helper.make_node("Slice", ["geodist_points_shape", "geodist_zero", "geodist_one"], ["geodist_batch"],
                         name="geodist_batch"),
        helper.make_node("Constant", [], ["geodist_rest"],
                         value=helper.make_tensor("geodist_rest_v", TensorProto.INT64, [3], [frames, points, points])),
        helper.make_node("Concat", ["geodist_batch", "geodist_rest"], ["geodist_target"], axis=0, name="geodist_target"),
        helper.make_node("Expand", ["geodist_1", "geodist_target"], [expanded], name="geodist_expand"),
    ]
    nodes = pre + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def check_onnx(path: str) -> None:
    """onnx.checker plus: inputs/outputs carry a symbolic batch dimension."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    for vi in list(m.graph.input) + list(m.graph.output):
        if vi.name in SHARED_INPUTS:
            continue
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
                   {"name": "geodist", "dtype": "float32", "shape": [cfg.frames, n, n], "shared": True}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": [-1, cfg.num_classes]}],
        "activation": "softmax",
        "labels": "labels.txt",
        "preprocessing": dict(STMT_PREPROCESSING, frames=cfg.frames, points=n,
                              **({"topology": topology} if topology else {})),
        "provenance": {"script": script, "seed": seed, "torch": torch.__version__, "opset": OPSET,
                       "licence": LICENCE,
                       "config": cfg.to_dict(), "parameters": count_parameters(model),
                       "parameters_in_forward": count_forward_parameters(model), **(extra_provenance or {})},
        "sha256": {"model.onnx": sha256(onnx_path), "labels.txt": sha256(labels_path)},
    }
    with open(os.path.join(out_dir, "model.json"), "w", newline="\n") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest
