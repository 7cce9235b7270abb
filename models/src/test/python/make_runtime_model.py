"""Builds the tiny-runtime test model package: one ONNX graph with every input kind the runtime batches.

Inputs: x float32 [B, T, 3] (variable length T, lengths in x_len int64 [B], buckets 4 and 8), state float32
[2, B, 4] (batch on axis 1), bias float32 [3] (shared), sr int64 [] (shared scalar). Outputs:
pooled [B, 3] = sum over T of x / x_len + bias * sr / 1000 (padding is zeros, so it is the mean of the
sample's own frames), stateN [2, B, 4] = 2 * state.

    /usr/bin/python3 models/src/test/python/make_runtime_model.py   # from the repository root
"""
import hashlib
import json
import os

import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "avstream-models", "tiny-runtime")


def main():
    nodes = [
        helper.make_node("Constant", [], ["axis1"], value=helper.make_tensor("a1", TensorProto.INT64, [1], [1])),
        helper.make_node("ReduceSum", ["x", "axis1"], ["xsum"], keepdims=0),
        helper.make_node("Cast", ["x_len"], ["len_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["len_f", "axis1"], ["len_col"]),
        helper.make_node("Div", ["xsum", "len_col"], ["xmean"]),
        helper.make_node("Cast", ["sr"], ["sr_f"], to=TensorProto.FLOAT),
        helper.make_node("Constant", [], ["thousand"], value=helper.make_tensor("k", TensorProto.FLOAT, [], [1000.0])),
        helper.make_node("Div", ["sr_f", "thousand"], ["sr_k"]),
        helper.make_node("Mul", ["bias", "sr_k"], ["bias_sr"]),
        helper.make_node("Add", ["xmean", "bias_sr"], ["pooled"]),
        helper.make_node("Constant", [], ["two"], value=helper.make_tensor("t", TensorProto.FLOAT, [], [2.0])),
        helper.make_node("Mul", ["state", "two"], ["stateN"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny-runtime",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 3]),
         helper.make_tensor_value_info("x_len", TensorProto.INT64, ["B"]),
         helper.make_tensor_value_info("state", TensorProto.FLOAT, [2, "B", 4]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, [3]),
         helper.make_tensor_value_info("sr", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["B", 3]),
         helper.make_tensor_value_info("stateN", TensorProto.FLOAT, [2, "B", 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="avstream-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.onnx")
    onnx.save(model, path)
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    manifest = {
        "format": 1, "name": "tiny-runtime", "version": "0.1.0", "task": "test", "architecture": "arithmetic",
        "description": "Test graph with a variable-length input and its lengths, a batch axis other than 0, "
                       "a shared float input and a shared int64 scalar; built by models/src/test/python/make_runtime_model.py.",
        "weights": {"kind": "untrained", "note": "no weights: fixed arithmetic"},
        "inputs": [
            {"name": "x", "dtype": "float32", "shape": [-1, -1, 3], "lengths": "x_len", "buckets": [4, 8]},
            {"name": "x_len", "dtype": "int64", "shape": [-1]},
            {"name": "state", "dtype": "float32", "shape": [2, -1, 4], "batch_axis": 1},
            {"name": "bias", "dtype": "float32", "shape": [3], "shared": True},
            {"name": "sr", "dtype": "int64", "shape": [], "shared": True},
        ],
        "outputs": [
            {"name": "pooled", "dtype": "float32", "shape": [-1, 3]},
            {"name": "stateN", "dtype": "float32", "shape": [2, -1, 4], "batch_axis": 1},
        ],
        "activation": "none",
        "provenance": {"script": "models/src/test/python/make_runtime_model.py", "opset": 17, "onnx": onnx.__version__},
        "sha256": {"model.onnx": sha},
    }
    with open(os.path.join(OUT, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
