"""MAViL's audio branch and AudioMAE's audio classifier, re-implemented.

Structure and parameter names follow the public AudioMAE code (facebookresearch/AudioMAE, models_vit.py with
main_finetune_as.py's audio patch embedding) and the MAViL port in AV-SUPERB (roger-tseng/av-superb,
upstream_models/mavil/models_vitmm.py), whose audio encoder has the same names: a state_dict of a fine-tuned
AudioMAE ViT-B, or of MAViL's audio-only fine-tuned model, loads with ``load_state_dict``. Facts this rests on
are in ``models/python/MAVIL_NOTES.md``.

Input
  fbank   [B, 1, T, F]  float32, Kaldi log-mel filterbank (T = 1024 frames of 10 ms, F = 128 bins), normalised
                        as (x - (-4.2677393)) / (2 * 4.5689974), zero-padded (before normalising) at the end
Outputs
  logits        [B, C]            clip-level: mean of the patch tokens -> fc_norm -> head
  frame_logits  [B, T/16, C]      per 160 ms column of patches: mean of the column's tokens -> fc_norm -> head
                                  (the same two layers applied per time step; not in the published model, which
                                  has clip outputs only; it localises events in time)

Tokens: a 16x16 convolution with stride 16 over the [T, F] image gives a grid of T/16 (time) x F/16 (frequency)
patches, flattened time-major (token i = t * (F/16) + f). The fixed sin-cos position table is AudioMAE's,
including its quirk: it was built for a grid read as (F/16, T/16), so its first half of channels encodes
``i % (T/16)`` and its second half ``i // (T/16)``. Converted checkpoints bring their own table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn

# MAViL / AudioMAE normalisation of the log-mel fbank (AudioSet statistics)
FBANK_MEAN = -4.2677393
FBANK_STD = 4.5689974
TARGET_FRAMES = 1024
MEL_BINS = 128


@dataclass
class AudioViTConfig:
    num_classes: int = 527
    embed_dim: int = 768
    depth: int = 12
    num_heads: int = 12
    mlp_ratio: float = 4.0
    frames: int = TARGET_FRAMES
    mel_bins: int = MEL_BINS
    patch: int = 16

    @property
    def grid(self):
        """(time columns, frequency rows) of the patch grid."""
        return self.frames // self.patch, self.mel_bins // self.patch

    @property
    def num_patches(self) -> int:
        t, f = self.grid
        return t * f


def full_config(num_classes: int = 527) -> AudioViTConfig:
    """AudioMAE ViT-B/16 (MAViL's audio encoder): 768 wide, 12 layers, 12 heads."""
    return AudioViTConfig(num_classes=num_classes)


def small_config(num_classes: int) -> AudioViTConfig:
    """The project's small CPU variant: same structure, narrower and shallower."""
    return AudioViTConfig(num_classes=num_classes, embed_dim=192, depth=4, num_heads=3)


def sincos_1d(dim: int, positions: torch.Tensor) -> torch.Tensor:
    """[len(positions), dim]: sin of position * omega_k for the first half, cos for the second; omega_k = 10000^(-k/(dim/2))."""
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / 10000 ** omega
    out = positions.to(torch.float64)[:, None] * omega[None, :]
    return torch.cat([torch.sin(out), torch.cos(out)], dim=1)


def audiomae_pos_embed(dim: int, time_cols: int, freq_rows: int) -> torch.Tensor:
    """[1, 1 + T*F, dim]: a zero row for the CLS token, then AudioMAE's table for tokens in time-major order."""
    n = time_cols * freq_rows
    i = torch.arange(n)
    # AudioMAE builds the table on a (freq, time) grid while tokens are (time, freq): the first half of the
    # channels then follows i % time_cols, the second i // time_cols
    first = sincos_1d(dim // 2, i % time_cols)
    second = sincos_1d(dim // 2, i // time_cols)
    table = torch.cat([first, second], dim=1)
    return torch.cat([torch.zeros(1, dim, dtype=torch.float64), table], dim=0).float().unsqueeze(0)


class PatchEmbed(nn.Module):
    """``patch_embed.proj``: Conv2d(1, D, 16, stride 16) over [B, 1, T, F], tokens time-major."""

    def __init__(self, cfg: AudioViTConfig):
        super().__init__()
        self.proj = nn.Conv2d(1, cfg.embed_dim, kernel_size=cfg.patch, stride=cfg.patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.proj(x)                       # [B, D, T/16, F/16]
        return x.flatten(2).transpose(1, 2)    # [B, N, D]


class Attention(nn.Module):
    """timm's Attention: one ``qkv`` Linear (bias), heads of D/heads, softmax(q k^T / sqrt(d)), ``proj``."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """timm's pre-norm Block: x + attn(norm1(x)), then x + mlp(norm2(x)); LayerNorm eps 1e-6."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def encode(tokens: torch.Tensor, cls_token: torch.Tensor, pos_embed: torch.Tensor, blocks: nn.ModuleList) -> torch.Tensor:
    """Patch tokens [B, N, D] plus their positions, after the CLS token plus its position (row 0 of the table),
    through the blocks: [B, 1 + N, D]. The encoders of AudioMAE and MAViL (audio and video) all do this."""
    x = tokens + pos_embed[:, 1:, :]
    cls = (cls_token + pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
    x = torch.cat([cls, x], dim=1)
    for blk in blocks:
        x = blk(x)
    return x


class AudioViT(nn.Module):
    """AudioMAE's fine-tuned audio classifier (global pool): MAViL's audio branch with its own head."""

    def __init__(self, cfg: AudioViTConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.embed_dim
        t, f = cfg.grid
        self.patch_embed = PatchEmbed(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        # fixed, not trained, but part of the state_dict (as in AudioMAE)
        self.pos_embed = nn.Parameter(audiomae_pos_embed(d, t, f), requires_grad=False)
        self.blocks = nn.ModuleList([Block(d, cfg.num_heads, cfg.mlp_ratio) for _ in range(cfg.depth)])
        self.fc_norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, cfg.num_classes)
        nn.init.normal_(self.cls_token, std=0.02)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    def tokens(self, fbank: torch.Tensor) -> torch.Tensor:
        """[B, N, D] patch tokens after the encoder (CLS dropped)."""
        return encode(self.patch_embed(fbank), self.cls_token, self.pos_embed, self.blocks)[:, 1:, :]

    def forward(self, fbank: torch.Tensor):
        x = self.tokens(fbank)
        t, f = self.cfg.grid
        logits = self.head(self.fc_norm(x.mean(dim=1)))
        columns = x.reshape(-1, t, f, self.cfg.embed_dim).mean(dim=2)    # [B, T/16, D]
        frame_logits = self.head(self.fc_norm(columns))                   # [B, T/16, C]
        return logits, frame_logits


def normalise(fbank: torch.Tensor) -> torch.Tensor:
    """MAViL's normalisation of raw log-mel values."""
    return (fbank - FBANK_MEAN) / (2 * FBANK_STD)


def pad_frames(fbank: torch.Tensor, frames: int = TARGET_FRAMES) -> torch.Tensor:
    """[T, F] raw log-mel -> [frames, F]: cut, or zero-padded at the end (AudioMAE pads before normalising)."""
    t = fbank.shape[0]
    if t >= frames:
        return fbank[:frames]
    return torch.cat([fbank, torch.zeros(frames - t, fbank.shape[1], dtype=fbank.dtype)], dim=0)


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


# AudioMAE's log for the fine-tuned ViT-B (README: "n_parameters": 85659407); with the fixed position table
FULL_TRAINABLE_PARAMETERS = 85_659_407
FULL_ALL_PARAMETERS = 86_053_391


def export_onnx(model: AudioViT, path: str, batch: int = 2, opset: int = 17) -> None:
    """ONNX with input ``fbank`` [batch, 1, T, F] (batch dynamic) and outputs ``logits``, ``frame_logits``."""
    model = model.eval()
    x = torch.randn(batch, 1, model.cfg.frames, model.cfg.mel_bins)
    torch.onnx.export(model, (x,), path, input_names=["fbank"], output_names=["logits", "frame_logits"],
                      dynamic_axes={"fbank": {0: "batch"}, "logits": {0: "batch"}, "frame_logits": {0: "batch"}},
                      opset_version=opset, do_constant_folding=True)


def state_from_onnx(path: str, cfg: AudioViTConfig) -> dict:
    """The state_dict of an AudioViT exported by :func:`export_onnx`, read back from its ONNX graph: named
    initializers keep their names; the Linear weights the exporter turned into MatMul operands (transposed,
    unnamed) are taken in the graph's order (per block qkv, proj, fc1, fc2; then the head); the position table
    and the CLS token come from the constants folded with them (``pos_embed[:, 1:]`` added to the patches,
    ``cls_token + pos_embed[:, :1]`` expanded over the batch)."""
    import onnx
    from onnx import numpy_helper

    g = onnx.load(path).graph
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    model = AudioViT(cfg)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    matmuls = []
    for node in g.node:
        if node.op_type == "MatMul":
            matmuls.extend(x for x in node.input if x in inits and x not in matmuls)
    linear = [f"blocks.{i}.{n}.weight" for i in range(cfg.depth) for n in ("attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2")]
    linear.append("head.weight")
    if len(matmuls) != len(linear):
        raise ValueError(f"{path}: {len(matmuls)} MatMul weights, expected {len(linear)}")
    for name, key in zip(linear, matmuls):
        w = inits[key].t().contiguous()
        if list(w.shape) != list(state[name].shape):
            raise ValueError(f"{path}: {key} {list(w.shape)} does not fit {name} {list(state[name].shape)}")
        state[name] = w
    for k, v in inits.items():
        if k in state and list(v.shape) == list(state[k].shape):
            state[k] = v
    pos = [v for k, v in inits.items() if k.startswith("onnx::Add") and list(v.shape) == [1, cfg.num_patches, cfg.embed_dim]]
    cls = [v for k, v in inits.items() if k.startswith("onnx::Expand") and list(v.shape) == [1, 1, cfg.embed_dim]]
    if len(pos) != 1 or len(cls) != 1:
        raise ValueError(f"{path}: cannot find the folded position table and CLS token")
    if float((pos[0] - state["pos_embed"][:, 1:]).abs().max()) > 1e-5:
        raise ValueError(f"{path}: the position table is not AudioMAE's")
    state["cls_token"] = cls[0] - state["pos_embed"][:, :1]
    return state
