"""FLOPs of an ONNX graph, counted from the shapes its nodes really see.

ONNX shape inference alone leaves most shapes of an exported STMT graph unknown (reshapes to
shapes computed at run time), so this module runs the graph: a small interpreter (PyTorch
tensors, CPU) of the operators the avstream models use evaluates every node on a real input and
records the input and output shapes of the counted nodes. Its output is checked against golden
logits by the caller, which proves that the shapes seen are the real ones.

Counted: MatMul, Gemm, Conv, Einsum -- 2 FLOPs per multiply-add (a bias add of Gemm/Conv is not
counted). Not counted: every elementwise, reduction, normalisation, softmax, gather, sort and
shape operator. An operator the interpreter does not know fails loudly.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Dict, List, Tuple

import numpy as np
import onnx
import torch
from onnx import numpy_helper

COUNTED = ("MatMul", "Gemm", "Conv", "Einsum")

_ONNX_TO_TORCH = {
    onnx.TensorProto.FLOAT: torch.float32,
    onnx.TensorProto.DOUBLE: torch.float64,
    onnx.TensorProto.INT64: torch.int64,
    onnx.TensorProto.INT32: torch.int32,
    onnx.TensorProto.BOOL: torch.bool,
}


def _tensor(proto: onnx.TensorProto) -> torch.Tensor:
    return torch.from_numpy(np.array(numpy_helper.to_array(proto), copy=True))


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _axes(x: torch.Tensor, axes) -> List[int]:
    return sorted(int(a) % x.dim() for a in axes)


def _reduce(fn, x, axes, keepdims):
    axes = list(range(x.dim())) if axes is None else _axes(x, axes)
    for a in reversed(axes):
        x = fn(x, a, keepdims)
    return x


def matmul_macs(a: Tuple[int, ...], b: Tuple[int, ...], out: Tuple[int, ...]) -> int:
    """Multiply-adds of numpy-style matmul: every output element is a dot product over a's last axis."""
    return math.prod(out) * a[-1]


def gemm_macs(a, b, out, trans_a: int) -> int:
    k = a[0] if trans_a else a[1]
    return math.prod(out) * k


def conv_macs(x, w, out, group: int) -> int:
    # w: [M, C/group, k1, k2, ...]; each output element sums C/group x prod(kernel) products
    return math.prod(out) * math.prod(w[1:])


def einsum_macs(equation: str, shapes) -> int:
    """Multiply-adds of an einsum: product of the sizes of every distinct index (two operands or more)."""
    lhs = equation.replace(" ", "").split("->")[0].split(",")
    size = {}
    for term, shape in zip(lhs, shapes):
        if "..." in term:
            raise ValueError("einsum with '...' is not counted: " + equation)
        for ch, d in zip(term, shape):
            size[ch] = d
    return math.prod(size.values())


class Interpreter:
    """Evaluates an ONNX graph node by node and records the counted nodes' multiply-adds."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.values: Dict[str, torch.Tensor] = {}
        self.macs: "OrderedDict[str, int]" = OrderedDict((op, 0) for op in COUNTED)
        self.nodes: "OrderedDict[str, int]" = OrderedDict((op, 0) for op in COUNTED)

    def run(self, inputs: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        g = self.model.graph
        self.values = {i.name: _tensor(i) for i in g.initializer}
        self.values.update(inputs)
        for node in g.node:
            ins = [self.values[n] if n else None for n in node.input]
            outs = self._eval(node, ins, _attrs(node))
            if not isinstance(outs, (list, tuple)):
                outs = [outs]
            for name, v in zip(node.output, outs):
                if name:
                    self.values[name] = v
            if node.op_type in COUNTED:
                self._count(node, ins, outs[0], _attrs(node))
        return {o.name: self.values[o.name] for o in g.output}

    def _count(self, node, ins, out, a):
        shapes = [tuple(t.shape) for t in ins if t is not None]
        o = tuple(out.shape)
        op = node.op_type
        if op == "MatMul":
            m = matmul_macs(shapes[0], shapes[1], o)
        elif op == "Gemm":
            m = gemm_macs(shapes[0], shapes[1], o, a.get("transA", 0))
        elif op == "Conv":
            m = conv_macs(shapes[0], shapes[1], o, a.get("group", 1))
        else:
            m = einsum_macs(a["equation"].decode() if isinstance(a["equation"], bytes) else a["equation"], shapes)
        self.macs[op] += m
        self.nodes[op] += 1

    def _eval(self, node, x, a):
        op = node.op_type
        if op == "Constant":
            return _tensor(a["value"])
        if op == "Identity":
            return x[0]
        if op in ("Add", "Sub", "Mul", "Pow", "Equal", "Less", "Greater"):
            f = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Pow": torch.pow, "Equal": torch.eq,
                 "Less": torch.lt, "Greater": torch.gt}[op]
            r = f(x[0], x[1])
            return r.to(x[0].dtype) if op == "Pow" else r
        if op == "Div":
            if x[0].dtype.is_floating_point:
                return x[0] / x[1]
            return torch.div(x[0], x[1], rounding_mode="trunc")
        if op in ("Min", "Max"):
            r = x[0]
            for t in x[1:]:
                r = torch.minimum(r, t) if op == "Min" else torch.maximum(r, t)
            return r
        if op == "Where":
            return torch.where(x[0], x[1], x[2])
        if op == "Relu":
            return torch.relu(x[0])
        if op == "Sigmoid":
            return torch.sigmoid(x[0])
        if op == "Erf":
            return torch.erf(x[0])
        if op == "Sqrt":
            return torch.sqrt(x[0])
        if op == "Neg":
            return -x[0]
        if op == "Cast":
            return x[0].to(_ONNX_TO_TORCH[a["to"]])
        if op == "Shape":
            s = torch.tensor(list(x[0].shape), dtype=torch.int64)
            return s[a.get("start", 0):a.get("end", len(s))] if ("start" in a or "end" in a) else s
        if op == "ConstantOfShape":
            v = _tensor(a["value"]) if "value" in a else torch.zeros(1)
            return torch.full([int(d) for d in x[0].tolist()], v.reshape(-1)[0].item(), dtype=v.dtype)
        if op == "Reshape":
            shape = [int(d) for d in x[1].tolist()]
            if not a.get("allowzero", 0):
                shape = [x[0].shape[i] if d == 0 else d for i, d in enumerate(shape)]
            return x[0].reshape(shape)
        if op == "Unsqueeze":
            r = x[0]
            rank = r.dim() + len(x[1])
            for ax in sorted(int(v) % rank for v in x[1].tolist()):
                r = r.unsqueeze(ax)
            return r
        if op == "Squeeze":
            r = x[0]
            axes = list(range(r.dim())) if len(x) < 2 or x[1] is None else x[1].tolist()
            for ax in sorted((int(v) % r.dim() for v in axes), reverse=True):
                if r.shape[ax] == 1:
                    r = r.squeeze(ax)
            return r
        if op == "Expand":
            shape = [int(d) for d in x[1].tolist()]
            return x[0] * torch.ones(shape, dtype=x[0].dtype) if x[0].dtype != torch.bool else \
                x[0] & torch.ones(shape, dtype=torch.bool)
        if op == "Concat":
            return torch.cat(x, dim=a["axis"])
        if op == "Transpose":
            perm = a.get("perm", list(reversed(range(x[0].dim()))))
            return x[0].permute(*perm)
        if op == "Flatten":
            ax = a.get("axis", 1) % max(1, x[0].dim())
            return x[0].reshape(math.prod(x[0].shape[:ax]), -1)
        if op == "Gather":
            idx = x[1]
            ax = a.get("axis", 0) % x[0].dim()
            idx = torch.where(idx < 0, idx + x[0].shape[ax], idx)
            return torch.index_select(x[0], ax, idx.reshape(-1)).reshape(
                list(x[0].shape[:ax]) + list(idx.shape) + list(x[0].shape[ax + 1:]))
        if op == "GatherElements":
            ax = a.get("axis", 0) % x[0].dim()
            idx = torch.where(x[1] < 0, x[1] + x[0].shape[ax], x[1])
            return torch.gather(x[0], ax, idx)
        if op == "Slice":
            r = x[0]
            starts, ends = x[1].tolist(), x[2].tolist()
            axes = x[3].tolist() if len(x) > 3 and x[3] is not None else list(range(len(starts)))
            steps = x[4].tolist() if len(x) > 4 and x[4] is not None else [1] * len(starts)
            index = [slice(None)] * r.dim()
            for s, e, ax, st in zip(starts, ends, axes, steps):
                if st != 1:
                    raise NotImplementedError("Slice with step " + str(st))
                n = r.shape[ax]
                s = max(0, min(n, s + n if s < 0 else s))
                e = max(0, min(n, e + n if e < 0 else e))
                index[ax] = slice(s, e)
            return r[tuple(index)]
        if op == "ReduceSum":
            axes = x[1].tolist() if len(x) > 1 and x[1] is not None else None
            return _reduce(lambda t, d, k: t.sum(d, keepdim=bool(k)), x[0], axes, a.get("keepdims", 1))
        if op in ("ReduceMax", "ReduceMean", "ReduceMin"):
            f = {"ReduceMax": lambda t, d, k: t.amax(d, keepdim=bool(k)),
                 "ReduceMin": lambda t, d, k: t.amin(d, keepdim=bool(k)),
                 "ReduceMean": lambda t, d, k: t.mean(d, keepdim=bool(k))}[op]
            return _reduce(f, x[0], a.get("axes"), a.get("keepdims", 1))
        if op == "ArgMax":
            if a.get("select_last_index", 0):
                raise NotImplementedError("ArgMax select_last_index")
            return torch.argmax(x[0], dim=a.get("axis", 0), keepdim=bool(a.get("keepdims", 1)))
        if op == "TopK":
            v, i = torch.topk(x[0], int(x[1].reshape(-1)[0]), dim=a.get("axis", -1),
                              largest=bool(a.get("largest", 1)), sorted=True)
            return [v, i]
        if op == "Softmax":
            return torch.softmax(x[0], dim=a.get("axis", -1))
        if op == "LayerNormalization":
            ax = a.get("axis", -1) % x[0].dim()
            shape = list(x[0].shape[ax:])
            bias = x[2] if len(x) > 2 else None
            return torch.nn.functional.layer_norm(x[0], shape, x[1], bias, a.get("epsilon", 1e-5))
        if op == "MatMul":
            return torch.matmul(x[0], x[1])
        if op == "Gemm":
            A = x[0].t() if a.get("transA", 0) else x[0]
            B = x[1].t() if a.get("transB", 0) else x[1]
            r = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                r = r + a.get("beta", 1.0) * x[2]
            return r
        if op == "Conv":
            w = x[1]
            b = x[2] if len(x) > 2 else None
            dims = w.dim() - 2
            strides = a.get("strides", [1] * dims)
            dil = a.get("dilations", [1] * dims)
            pads = a.get("pads", [0] * (2 * dims))
            if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET") or pads[:dims] != pads[dims:]:
                raise NotImplementedError("Conv with asymmetric or automatic padding")
            f = {1: torch.nn.functional.conv1d, 2: torch.nn.functional.conv2d, 3: torch.nn.functional.conv3d}[dims]
            return f(x[0], w, b, stride=strides, padding=pads[:dims], dilation=dil, groups=a.get("group", 1))
        if op == "Einsum":
            eq = a["equation"]
            return torch.einsum(eq.decode() if isinstance(eq, bytes) else eq, *x)
        if op == "Range":
            return torch.arange(x[0].item(), x[1].item(), x[2].item(), dtype=x[0].dtype)
        if op == "Cos":
            return torch.cos(x[0])
        if op == "Sin":
            return torch.sin(x[0])
        raise NotImplementedError(f"operator {op} (node {node.name}) is not known to the FLOP counter")


def count(path: str, inputs: Dict[str, torch.Tensor]):
    """Runs the graph at {@code path} on {@code inputs}; returns (outputs, macs per op, counted nodes per op)."""
    interp = Interpreter(onnx.load(path))
    with torch.no_grad():
        out = interp.run(inputs)
    return out, dict(interp.macs), dict(interp.nodes)
