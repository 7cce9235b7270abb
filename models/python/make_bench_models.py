"""Builds the two model packages that only `avstream bench` uses, and the FLOPs table it reads.

    /usr/bin/python3 models/python/make_bench_models.py

writes, under tools/src/main/resources/ (they travel in the tools jar, never in the job jar, found as classpath:<name>):

  avstream-models/bench-trivial-action/  the same inputs and output as stmt-small (points
      [-1,24,128,3], geodist [-1,24,128,128] -> logits [-1,8]) and the same preprocessing and
      labels, but nearly free: the mean of each input, mixed into 8 logits by one Gemm. It reads
      every input value, so the job around it does all its work; bench runs the pipeline with it
      to measure what the job sustains, and costs, outside the engine.
  avstream-models/bench-gemm-1024/       c = a @ W with a [-1,1024] and a fixed 1024 x 1024 W
      (cos of a range, folded into a constant by ONNX Runtime at load): a batch of 1024 rows is
      one 1024^3 GEMM, 2 * 1024^3 FLOPs; bench's GEMM peak on the same engine.
  avstream-bench/flops.json              FLOPs per window (per sample) of stmt-small and of both
      packages, counted by running each graph (avstream_models.onnx_flops): MatMul, Gemm, Conv and
      Einsum, 2 FLOPs per multiply-add; elementwise and other operators are not counted.
      stmt-small's count is checked against its golden logits; the GEMM's against 2 n^2 per row.

The same command writes byte-identical files.
"""
from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avstream_models import onnx_flops  # noqa: E402
from avstream_models.packaging import STMT_PREPROCESSING, sha256  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STMT_DIR = os.path.join(REPO, "models", "packages", "stmt-small")
GOLDEN_DIR = os.path.join(REPO, "models", "src", "test", "resources", "golden", "stmt-small")
RESOURCES = os.path.join(REPO, "tools", "src", "main", "resources")
TRIVIAL_DIR = os.path.join(RESOURCES, "avstream-models", "bench-trivial-action")
GEMM_N = 1024
GEMM_DIR = os.path.join(RESOURCES, "avstream-models", f"bench-gemm-{GEMM_N}")
FLOPS_FILE = os.path.join(RESOURCES, "avstream-bench", "flops.json")
BENCH_LICENCE = "made by this project: a fixed formula, no trained weights, no data"
SCRIPT = "models/python/make_bench_models.py"
OPSET = 17


def _model(graph: onnx.GraphProto) -> onnx.ModelProto:
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="avstream-bench")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def trivial_action_graph(frames: int, points: int, classes: int) -> onnx.ModelProto:
    """logits = [mean(points), mean(geodist)] @ W + b: every input value is read, 16 multiply-adds.

    geodist is shared by the batch ([frames, points, points], as in stmt-small): its mean is broadcast
    to every window of the batch."""
    w = helper.make_tensor("mix", TensorProto.FLOAT, [2, classes],
                           [float(np.cos(0.7 * i)) for i in range(2 * classes)])
    b = helper.make_tensor("bias", TensorProto.FLOAT, [classes], [0.01 * i for i in range(classes)])
    nodes = [
        helper.make_node("ReduceMean", ["points"], ["points_mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Flatten", ["points_mean"], ["points_flat"], axis=1),
        helper.make_node("ReduceMean", ["geodist"], ["geodist_mean"], axes=[0, 1, 2], keepdims=1),
        helper.make_node("Flatten", ["geodist_mean"], ["geodist_scalar"], axis=1),
        helper.make_node("Mul", ["points_flat", "zero"], ["points_zero"]),
        helper.make_node("Add", ["points_zero", "geodist_scalar"], ["geodist_flat"]),
        helper.make_node("Concat", ["points_flat", "geodist_flat"], ["features"], axis=1),
        helper.make_node("Gemm", ["features", "mix", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "bench_trivial_action",
        [helper.make_tensor_value_info("points", TensorProto.FLOAT, ["batch", frames, points, 3]),
         helper.make_tensor_value_info("geodist", TensorProto.FLOAT, [frames, points, points])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes])],
        initializer=[w, b, helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])])
    return _model(graph)


def gemm_graph(n: int) -> onnx.ModelProto:
    """c = a @ W, W[i, j] = cos(0.001 * (i * n + j)), computed from constants (folded at load)."""
    nodes = [
        helper.make_node("Constant", [], ["start"], value=helper.make_tensor("s", TensorProto.FLOAT, [], [0.0])),
        helper.make_node("Constant", [], ["limit"],
                         value=helper.make_tensor("l", TensorProto.FLOAT, [], [float(n * n)])),
        helper.make_node("Constant", [], ["delta"], value=helper.make_tensor("d", TensorProto.FLOAT, [], [1.0])),
        helper.make_node("Constant", [], ["scale"], value=helper.make_tensor("k", TensorProto.FLOAT, [], [0.001])),
        helper.make_node("Constant", [], ["wshape"], value=helper.make_tensor("w", TensorProto.INT64, [2], [n, n])),
        helper.make_node("Range", ["start", "limit", "delta"], ["ramp"]),
        helper.make_node("Mul", ["ramp", "scale"], ["angles"]),
        helper.make_node("Cos", ["angles"], ["flat"]),
        helper.make_node("Reshape", ["flat", "wshape"], ["weights"]),
        helper.make_node("MatMul", ["a", "weights"], ["c"]),
    ]
    graph = helper.make_graph(
        nodes, f"bench_gemm_{n}",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", n])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, ["batch", n])])
    return _model(graph)


def write_json(path: str, doc: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def write_package(out_dir: str, model: onnx.ModelProto, manifest: dict, labels_from: str = None) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    onnx.save(model, onnx_path)
    sums = {"model.onnx": sha256(onnx_path)}
    if labels_from:
        labels_path = os.path.join(out_dir, "labels.txt")
        shutil.copyfile(labels_from, labels_path)
        sums["labels.txt"] = sha256(labels_path)
    manifest = dict(manifest, sha256=sums)
    write_json(os.path.join(out_dir, "model.json"), manifest)
    return manifest


def golden_stmt_inputs():
    pts = torch.from_numpy(np.fromfile(os.path.join(GOLDEN_DIR, "points.f32"), "<f4").reshape(3, 24, 128, 3))
    frame = torch.from_numpy(np.fromfile(os.path.join(GOLDEN_DIR, "geodist_frame.f32"), "<f4").reshape(3, 128, 128))
    geod = frame.unsqueeze(1).expand(3, 24, 128, 128).contiguous()
    logits = np.fromfile(os.path.join(GOLDEN_DIR, "logits.f32"), "<f4").reshape(3, 8)
    return pts, geod, logits


def flops_entry(pkg_dir: str, inputs: dict, batch: int, check: str) -> dict:
    with open(os.path.join(pkg_dir, "model.json")) as f:
        manifest = json.load(f)
    _, macs, nodes = onnx_flops.count(os.path.join(pkg_dir, "model.onnx"), inputs)
    per_window = {op: macs[op] // batch for op in onnx_flops.COUNTED}
    if any(macs[op] != per_window[op] * batch for op in onnx_flops.COUNTED):
        raise AssertionError(f"{manifest['name']}: multiply-adds not a multiple of the batch {batch}: {macs}")
    return {
        "version": manifest["version"],
        "modelOnnxSha256": manifest["sha256"]["model.onnx"],
        "flopsPerWindow": 2 * sum(per_window.values()),
        "multiplyAddsPerWindowByOp": per_window,
        "countedNodesByOp": nodes,
        "check": check,
    }


def main() -> None:
    with open(os.path.join(STMT_DIR, "model.json")) as f:
        stmt = json.load(f)
    frames, points = stmt["inputs"][0]["shape"][1], stmt["inputs"][0]["shape"][2]
    classes = stmt["outputs"][0]["shape"][1]
    assert stmt["preprocessing"]["frames"] == frames and stmt["preprocessing"]["points"] == points

    write_package(TRIVIAL_DIR, trivial_action_graph(frames, points, classes), {
        "format": 1,
        "name": "bench-trivial-action",
        "version": "1.0.0",
        "task": "action",
        "architecture": "bench-trivial",
        "description": ("Exists only for avstream bench: the inputs, output, preprocessing and labels of "
                        "stmt-small, but nearly free (the mean of each input mixed into 8 logits), so that a "
                        "pipeline run with it measures the job's own throughput and CPU cost outside the "
                        "engine. Its predictions mean nothing; never use it for anything else."),
        "weights": {"kind": "untrained", "note": "fixed mixing weights cos(0.7 i); not a model of anything"},
        "inputs": stmt["inputs"],
        "outputs": stmt["outputs"],
        "activation": "softmax",
        "labels": "labels.txt",
        "preprocessing": dict(STMT_PREPROCESSING, frames=frames, points=points,
                              topology=stmt["preprocessing"]["topology"]),
        "provenance": {"script": SCRIPT, "opset": OPSET, "onnx": onnx.__version__, "licence": BENCH_LICENCE,
                       "same_signature_as": f"{stmt['name']}:{stmt['version']}"},
    }, labels_from=os.path.join(STMT_DIR, stmt["labels"]))

    write_package(GEMM_DIR, gemm_graph(GEMM_N), {
        "format": 1,
        "name": f"bench-gemm-{GEMM_N}",
        "version": "1.0.0",
        "task": "bench",
        "architecture": "MatMul",
        "description": (f"Exists only for avstream bench: c = a @ W with a fixed {GEMM_N} x {GEMM_N} float32 W; a "
                        f"batch of {GEMM_N} rows is one {GEMM_N}^3 GEMM, the engine's dense peak on this machine."),
        "weights": {"kind": "untrained", "note": f"W[i][j] = cos(0.001 (i {GEMM_N} + j)), computed in the graph"},
        "inputs": [{"name": "a", "dtype": "float32", "shape": [-1, GEMM_N]}],
        "outputs": [{"name": "c", "dtype": "float32", "shape": [-1, GEMM_N]}],
        "activation": "none",
        "provenance": {"script": SCRIPT, "opset": OPSET, "onnx": onnx.__version__, "licence": BENCH_LICENCE},
    })

    pts, geod_windows, golden = golden_stmt_inputs()
    diff = 0.0
    with torch.no_grad():
        for k in range(3):  # each golden window has its own geodesic input: one at a time
            out, _, _ = onnx_flops.count(os.path.join(STMT_DIR, "model.onnx"),
                                         {"points": pts[k:k + 1], "geodist": geod_windows[k]})
            diff = max(diff, float(np.abs(out["logits"].numpy() - golden[k:k + 1]).max()))
    geod = geod_windows[0]  # shared by the batch of 3 counted below
    if diff > 1e-4:
        raise AssertionError(f"the FLOP counter's run of stmt-small differs from its golden logits by {diff}")
    gemm_rows = 4
    gemm = flops_entry(GEMM_DIR, {"a": torch.ones(gemm_rows, GEMM_N)}, gemm_rows,
                       f"2 n^2 = {2 * GEMM_N * GEMM_N} FLOPs per row (n = {GEMM_N})")
    if gemm["flopsPerWindow"] != 2 * GEMM_N * GEMM_N:
        raise AssertionError(f"GEMM count {gemm['flopsPerWindow']} is not 2 n^2")
    doc = {
        "about": ("FLOPs per window (per sample) of the model packages bench knows, counted by running each graph "
                  "on a real input with " + SCRIPT + " (avstream_models/onnx_flops.py): the input and output "
                  "shapes every node really sees give each MatMul, Gemm, Conv and Einsum node's multiply-adds; "
                  "FLOPs = 2 x multiply-adds. Not counted: bias adds, elementwise operators, reductions, "
                  "normalisation, softmax, gathers, top-k and shape operators. A package whose model.onnx has "
                  "another sha256 has no count here."),
        "counted": list(onnx_flops.COUNTED),
        "models": {
            stmt["name"]: flops_entry(STMT_DIR, {"points": pts, "geodist": geod}, 3,
                                      f"the counter's run of the golden inputs (3 windows) reproduces the golden "
                                      f"logits to {diff:.1e}"),
            "bench-trivial-action": flops_entry(TRIVIAL_DIR, {"points": pts, "geodist": geod}, 3,
                                                "2 x 8 multiply-adds of the mixing Gemm"),
            f"bench-gemm-{GEMM_N}": gemm,
        },
    }
    write_json(FLOPS_FILE, doc)
    for name, e in doc["models"].items():
        print(f"{name}: {e['flopsPerWindow']:,} FLOPs per window {e['multiplyAddsPerWindowByOp']}")
    print("wrote", TRIVIAL_DIR, GEMM_DIR, FLOPS_FILE)


if __name__ == "__main__":
    main()
