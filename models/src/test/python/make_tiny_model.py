"""Writes the tiny test model package used by the models module's unit tests.

Run from the repository root with Debian's python3 (torch 1.13, onnx 1.12):

    python3 models/src/test/python/make_tiny_model.py

Outputs:
  models/src/test/resources/avstream-models/tiny-model/   model.onnx, model.json, labels.txt
  models/src/test/resources/tiny-model-extra/             model-fixed-batch.onnx (batch axis fixed to 1),
                                                          reference.json (inputs and PyTorch outputs)
"""
import hashlib
import json
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "resources", "avstream-models", "tiny-model")
EXTRA = os.path.join(ROOT, "resources", "tiny-model-extra")
LABELS = ["walk", "run", "jump"]


class TinyMlp(torch.nn.Module):
    """Two inputs (x: 4x3, y: 5) -> hidden 16 -> logits (3) and embedding (2)."""

    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4 * 3 + 5, 16)
        self.head = torch.nn.Linear(16, len(LABELS))
        self.embed = torch.nn.Linear(16, 2)

    def forward(self, x, y):
        h = torch.relu(self.hidden(torch.cat([x.flatten(1), y], dim=1)))
        return self.head(h), self.embed(h)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def export(model, path, dynamic):
    x = torch.zeros(2 if dynamic else 1, 4, 3)
    y = torch.zeros(2 if dynamic else 1, 5)
    axes = {"x": {0: "batch"}, "y": {0: "batch"}, "logits": {0: "batch"}, "embedding": {0: "batch"}}
    torch.onnx.export(model, (x, y), path, input_names=["x", "y"], output_names=["logits", "embedding"],
                      dynamic_axes=axes if dynamic else None, opset_version=17, do_constant_folding=True)


def main():
    torch.manual_seed(7)
    model = TinyMlp().eval()
    os.makedirs(PKG, exist_ok=True)
    os.makedirs(EXTRA, exist_ok=True)
    export(model, os.path.join(PKG, "model.onnx"), dynamic=True)
    export(model, os.path.join(EXTRA, "model-fixed-batch.onnx"), dynamic=False)
    with open(os.path.join(PKG, "labels.txt"), "w") as f:
        f.write("\n".join(LABELS) + "\n")

    manifest = {
        "format": 1,
        "name": "tiny-model",
        "version": "0.1.0",
        "task": "test",
        "architecture": "MLP",
        "description": "Tiny two-input, two-output MLP for unit tests of the loader, engines and batcher.",
        "weights": {"kind": "untrained", "note": "random weights, torch.manual_seed(7)"},
        "inputs": [{"name": "x", "dtype": "float32", "shape": [-1, 4, 3]},
                   {"name": "y", "dtype": "float32", "shape": [-1, 5]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": [-1, 3]},
                    {"name": "embedding", "dtype": "float32", "shape": [-1, 2]}],
        "activation": "softmax",
        "labels": "labels.txt",
        "preprocessing": {"note": "none"},
        "provenance": {"script": "models/src/test/python/make_tiny_model.py", "torch": torch.__version__,
                       "opset": 17},
        "sha256": {"model.onnx": sha256(os.path.join(PKG, "model.onnx")),
                   "labels.txt": sha256(os.path.join(PKG, "labels.txt"))},
    }
    with open(os.path.join(PKG, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    g = torch.Generator().manual_seed(11)
    x = torch.randn(5, 4, 3, generator=g)
    y = torch.randn(5, 5, generator=g)
    with torch.no_grad():
        logits, embedding = model(x, y)
    reference = {"x": x.flatten().tolist(), "y": y.flatten().tolist(),
                 "logits": logits.flatten().tolist(), "embedding": embedding.flatten().tolist(), "batch": 5}
    with open(os.path.join(EXTRA, "reference.json"), "w") as f:
        json.dump(reference, f)
        f.write("\n")


if __name__ == "__main__":
    main()
