"""Reading published checkpoints for the converters: the state_dict inside whatever the training script saved,
and a check that it fits an architecture, naming every mismatch."""
from __future__ import annotations

from collections import OrderedDict

import torch


class ConversionError(Exception):
    pass


def extract_state_dict(obj) -> "OrderedDict[str, torch.Tensor]":
    """The tensors of a checkpoint: a bare state_dict, or one under 'model_state_dict', 'state_dict' or 'model';
    'module.' prefixes (DataParallel) removed."""
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise ConversionError(f"checkpoint holds a {type(obj).__name__}, not a state_dict")
    for key in ("model_state_dict", "state_dict", "model"):
        if key in obj and isinstance(obj[key], (dict, torch.nn.Module)):
            return extract_state_dict(obj[key])
    tensors = OrderedDict((k, v) for k, v in obj.items() if isinstance(v, torch.Tensor))
    if not tensors:
        raise ConversionError(f"no tensors in checkpoint (top-level keys: {sorted(obj)[:10]})")
    out = OrderedDict()
    for k, v in tensors.items():
        while k.startswith("module."):
            k = k[len("module."):]
        out[k] = v
    return out


def check_compatible(model: torch.nn.Module, sd, what: str) -> None:
    """Raises ConversionError listing missing keys, unexpected keys and shape mismatches, if any."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in sd]
    unexpected = [k for k in sd if k not in expected]
    mismatched = [f"{k}: checkpoint {list(sd[k].shape)} vs model {list(expected[k].shape)}"
                  for k in expected if k in sd and sd[k].shape != expected[k].shape]
    if missing or unexpected or mismatched:
        lines = [f"checkpoint does not match the {what} architecture:"]
        for title, items in (("missing keys", missing), ("unexpected keys", unexpected),
                             ("shape mismatches", mismatched)):
            if items:
                lines.append(f"  {title} ({len(items)}):")
                lines.extend(f"    {x}" for x in items)
        raise ConversionError("\n".join(lines))


def load(path: str):
    try:
        return torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001
        raise ConversionError(f"cannot read {path}: {e}") from e
