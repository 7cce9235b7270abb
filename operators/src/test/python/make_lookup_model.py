"""Builds the tiny-lookup test model package for the inference function's tests.

One int64 input idx [B, 1]; output scores [B, 3] = row idx of a fixed 8 x 3 table (Gather). An index
outside 0..7 makes ONNX Runtime fail the whole batch: a real engine failure on demand.

    /usr/bin/python3 operators/src/test/python/make_lookup_model.py   # from the repository root
"""
import hashlib
import json
import os

import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "avstream-models", "tiny-lookup")
TABLE = [[r + 0.1 * c for c in range(3)] for r in range(8)]


def main():
    table = helper.make_tensor("table", TensorProto.FLOAT, [8, 3], [v for row in TABLE for v in row])
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node("Gather", ["table", "idx"], ["rows"], axis=0),
        helper.make_node("Squeeze", ["rows", "axes"], ["scores"]),
    ]
    graph = helper.make_graph(nodes, "tiny-lookup",
                              [helper.make_tensor_value_info("idx", TensorProto.INT64, ["B", 1])],
                              [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["B", 3])],
                              initializer=[table, axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="avstream-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.onnx")
    onnx.save(model, path)
    labels = os.path.join(OUT, "labels.txt")
    with open(labels, "w", newline="\n") as f:
        f.write("a\nb\nc\n")
    sha = {}
    for name in ("model.onnx", "labels.txt"):
        with open(os.path.join(OUT, name), "rb") as f:
            sha[name] = hashlib.sha256(f.read()).hexdigest()
    manifest = {
        "format": 1, "name": "tiny-lookup", "version": "0.1.0", "task": "test-lookup", "architecture": "table lookup",
        "description": "Test graph: scores = row idx of a fixed 8 x 3 table; an index outside 0..7 fails in the engine. "
                       "Built by operators/src/test/python/make_lookup_model.py.",
        "weights": {"kind": "untrained", "note": "fixed table: row r = (r, r + 0.1, r + 0.2)"},
        "inputs": [{"name": "idx", "dtype": "int64", "shape": [-1, 1]}],
        "outputs": [{"name": "scores", "dtype": "float32", "shape": [-1, 3]}],
        "activation": "none",
        "labels": "labels.txt",
        "provenance": {"script": "operators/src/test/python/make_lookup_model.py", "opset": 17, "onnx": onnx.__version__},
        "sha256": sha,
    }
    with open(os.path.join(OUT, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
