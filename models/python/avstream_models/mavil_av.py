"""MAViL's fine-tuned audio-visual classifier, re-implemented with the official structure and parameter names.

Follows the MAViL port in AV-SUPERB (roger-tseng/av-superb, upstream_models/mavil/models_vitmm.py with the fine-tuned
head, ``ft=True``; facts in models/python/MAVIL_NOTES.md):

    audio  fbank [B, 1, 1024, 128] -> ``patch_embed`` Conv2d 16x16/16 -> 512 tokens (+ ``cls_token``, ``pos_embed``)
           -> ``blocks.0..11``
    video  frames [B, 3, 8, 224, 224] (ImageNet-normalised RGB, 2 fps) -> ``patch_embed_v`` Conv3d (2, 16, 16) stride
           (2, 16, 16) -> 4 x 14 x 14 = 784 tokens, flattened time, height, width (+ ``cls_token_v``, ``pos_embed_v``)
           -> ``blocks_v.0..11``
    fusion the two token sequences concatenated, CLS tokens included (1 + 512 + 1 + 784 = 1,298) -> ``blocks_av.0..2``
    head   mean of the audio tokens (1..512) and mean of the video tokens (514..), concatenated (2 x 768)
           -> ``fc_norm_av`` LayerNorm -> ``head_av`` Linear(1536, 527): logits (sigmoid for probabilities)
    columns (the project's, as the audio model's ``frame_logits``) the same head on each time column's mean of the
           fused audio tokens next to the mean of the video tokens: per-column logits for event onsets and offsets

No final norm on either encoder (the port deletes it). ``pos_embed_v`` is a fixed parameter the official code starts
at zero and only a checkpoint fills; here it starts from a 3-D sin-cos table, so that a model trained from scratch
has positions. Full size: 194,561,807 parameters with both position tables (MAVIL_NOTES: about 194.6 M).
The blocks are timm 0.4.5's (``mavil.Block``: ``norm1``, ``attn.qkv``, ``attn.proj``, ``norm2``, ``mlp.fc1``,
``mlp.fc2``), LayerNorm eps 1e-6.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from avstream_models import mavil

FRAMES = 8
IMAGE = 224
TUBELET = (2, 16, 16)


@dataclass
class AudioVisualConfig:
    audio: mavil.AudioViTConfig
    fusion_depth: int = 3
    frames: int = FRAMES
    image: int = IMAGE
    tubelet: tuple = TUBELET
    video_depth: int = 0          # 0: as deep as the audio encoder (the official model)
    temporal_kernel: int = 0      # >0: a temporal layer over the per-column features (not in the official model)
    frame_video: bool = False     # the per-column outputs see the video at their time, not the whole span's mean

    @property
    def video_grid(self):
        """(time, height, width) of the tubelet grid: 4 x 14 x 14 at full size."""
        return self.frames // self.tubelet[0], self.image // self.tubelet[1], self.image // self.tubelet[2]

    @property
    def video_tokens(self) -> int:
        t, h, w = self.video_grid
        return t * h * w


def full_config(num_classes: int = 527) -> AudioVisualConfig:
    """MAViL ViT-B/16 audio-visual, fine-tuned: 768 wide, 12 + 12 layers, 3 fusion blocks."""
    return AudioVisualConfig(audio=mavil.full_config(num_classes))


def small_config(num_classes: int) -> AudioVisualConfig:
    """A small CPU variant of the same structure: the small audio encoder, a 2-block video encoder over 2 x 32 x 32
    tubelets of the same 8 x 224 x 224 input (4 x 7 x 7 = 196 tokens), 1 fusion block (a fusion block over the
    710 tokens costs twice an audio block: the CPU training budget)."""
    return AudioVisualConfig(audio=mavil.small_config(num_classes), fusion_depth=1, tubelet=(2, 32, 32), video_depth=2)


def sincos_3d(dim: int, t: int, h: int, w: int) -> torch.Tensor:
    """[1, 1 + t*h*w, dim]: a zero row for the CLS token, then sin-cos codes of (time, row, column), tokens in
    time, row, column order; dim split 1/4 time, 3/8 row, 3/8 column (each part even)."""
    dt = dim // 4 // 2 * 2
    dh = (dim - dt) // 2 // 2 * 2
    dw = dim - dt - dh
    grid = torch.stack(torch.meshgrid(torch.arange(t), torch.arange(h), torch.arange(w), indexing="ij"), dim=-1)
    grid = grid.reshape(-1, 3)
    table = torch.cat([mavil.sincos_1d(dt, grid[:, 0]), mavil.sincos_1d(dh, grid[:, 1]), mavil.sincos_1d(dw, grid[:, 2])],
                      dim=1)
    return torch.cat([torch.zeros(1, dim, dtype=torch.float64), table], dim=0).float().unsqueeze(0)


class PatchEmbed3D(nn.Module):
    """``patch_embed_v.proj``: Conv3d(3, D, (2, 16, 16), stride (2, 16, 16)); tokens in time, row, column order."""

    def __init__(self, dim: int, tubelet: tuple = TUBELET):
        super().__init__()
        self.proj = nn.Conv3d(3, dim, kernel_size=tubelet, stride=tubelet)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)    # [B, T/2 * 14 * 14, D]


class Temporal(nn.Module):
    """A residual temporal layer over per-column features [B, T, D]: a depthwise convolution over ``kernel`` columns,
    GELU, a pointwise linear map (zero at the start, so the layer starts as the identity). Lets a column's outputs
    see its neighbours, e.g. the pauses of a pulsed sound."""

    def __init__(self, dim: int, kernel: int):
        super().__init__()
        self.dw = nn.Conv1d(dim, dim, kernel, padding=kernel // 2, groups=dim)
        self.pw = nn.Linear(dim, dim)
        nn.init.zeros_(self.pw.weight)
        nn.init.zeros_(self.pw.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.pw(F.gelu(self.dw(x.transpose(1, 2)).transpose(1, 2)))


def column_video_weights(cfg: AudioVisualConfig, fps: float = 2.0, column_seconds: float = 0.16) -> torch.Tensor:
    """[columns, tubelet times]: which tubelet time each audio column sees. The video is the ``frames`` at ``fps``
    centred in the audio input (slot k at middle - span / 2 + k / fps), a frame standing for the half period around
    it, so tubelet time g covers [g, g + 1) tubelet lengths from the span's start less half a period. A column takes
    the tubelet times it overlaps, by overlap; a column before the first or after the last takes the nearest."""
    t_cols = cfg.audio.grid[0]
    groups = cfg.video_grid[0]
    step = cfg.tubelet[0] / fps
    first = t_cols * column_seconds / 2 - cfg.frames / fps / 2 - 0.5 / fps
    w = torch.zeros(t_cols, groups)
    for k in range(t_cols):
        a, b = k * column_seconds, (k + 1) * column_seconds
        for g in range(groups):
            lo, hi = first + g * step, first + (g + 1) * step
            if g == 0:
                lo = -1e9
            if g == groups - 1:
                hi = 1e9
            w[k, g] = max(0.0, min(b, hi) - max(a, lo))
        w[k] /= w[k].sum()
    return w


class AudioVisualMAViL(nn.Module):
    """forward(fbank [B, 1, 1024, 128], video [B, 3, 8, 224, 224]) -> logits [B, C], frame_logits [B, T/16, C]."""

    def __init__(self, cfg: AudioVisualConfig):
        super().__init__()
        self.cfg = cfg
        a = cfg.audio
        d = a.embed_dim
        t, f = a.grid
        self.patch_embed = mavil.PatchEmbed(a)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(mavil.audiomae_pos_embed(d, t, f), requires_grad=False)
        self.blocks = nn.ModuleList([mavil.Block(d, a.num_heads, a.mlp_ratio) for _ in range(a.depth)])
        self.patch_embed_v = PatchEmbed3D(d, cfg.tubelet)
        self.cls_token_v = nn.Parameter(torch.zeros(1, 1, d))
        # fixed, as the audio table (the official code starts it at zero and a checkpoint fills it)
        self.pos_embed_v = nn.Parameter(sincos_3d(d, *cfg.video_grid), requires_grad=False)
        self.blocks_v = nn.ModuleList([mavil.Block(d, a.num_heads, a.mlp_ratio)
                                       for _ in range(cfg.video_depth or a.depth)])
        self.blocks_av = nn.ModuleList([mavil.Block(d, a.num_heads, a.mlp_ratio) for _ in range(cfg.fusion_depth)])
        self.fc_norm_av = nn.LayerNorm(2 * d, eps=1e-6)
        self.head_av = nn.Linear(2 * d, a.num_classes)
        nn.init.normal_(self.cls_token, std=0.02)
        nn.init.normal_(self.cls_token_v, std=0.02)
        self.apply(mavil.AudioViT._init)
        self.temporal_av = Temporal(2 * d, cfg.temporal_kernel) if cfg.temporal_kernel else None
        if cfg.frame_video:
            self.register_buffer("column_video", column_video_weights(cfg), persistent=False)

    def forward(self, fbank: torch.Tensor, video: torch.Tensor):
        return self.fuse(self.encode_audio(fbank), video)

    def encode_audio(self, fbank: torch.Tensor) -> torch.Tensor:
        """The audio encoder's tokens, CLS first: [B, 513, D]."""
        return mavil.encode(self.patch_embed(fbank), self.cls_token, self.pos_embed, self.blocks)

    def fuse(self, x: torch.Tensor, video: torch.Tensor):
        """The video encoder, the fusion blocks and the head over the audio encoder's tokens ``x``."""
        v = mavil.encode(self.patch_embed_v(video), self.cls_token_v, self.pos_embed_v, self.blocks_v)    # [B, 785, D]
        xv = torch.cat([x, v], dim=1)
        for blk in self.blocks_av:
            xv = blk(xv)
        a = self.cfg.audio
        n = a.num_patches
        audio, video_mean = xv[:, 1:1 + n], xv[:, 2 + n:].mean(dim=1)
        logits = self.head_av(self.fc_norm_av(torch.cat([audio.mean(dim=1), video_mean], dim=1)))
        t, f = a.grid
        columns = audio.reshape(-1, t, f, a.embed_dim).mean(dim=2)                          # [B, T/16, D]
        if self.cfg.frame_video:    # each column next to the mean video tokens of the tubelet time at its time
            gt, gh, gw = self.cfg.video_grid
            groups = xv[:, 2 + n:].reshape(-1, gt, gh * gw, a.embed_dim).mean(dim=2)        # [B, 4, D]
            column_video = torch.matmul(self.column_video, groups)                         # [B, T/16, D]
        else:
            column_video = video_mean.unsqueeze(1).expand(-1, t, -1)
        both = self.fc_norm_av(torch.cat([columns, column_video], dim=2))                  # [B, T/16, 2D]
        if self.temporal_av is not None:
            both = self.temporal_av(both)
        return logits, self.head_av(both)
