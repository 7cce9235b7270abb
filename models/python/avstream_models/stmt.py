"""STMT: Spatial-Temporal Mesh Transformer (Zhu et al., CVPR 2023), re-implemented.

Structure and parameter names follow the published reference model, so a state_dict saved from
it loads with ``load_state_dict``.  See ``models/python/STMT_NOTES.md`` for the facts this
implementation rests on.

Inputs
  points   [B, T, N, 3]   float32, per-clip normalised vertex positions (T=24, N=128)
  geodist  [B, T, N, N]   float32, geodesic distances between those vertices on the mesh surface
Output
  logits   [B, num_classes]

Differences from the reference, none of which changes the logits of a given state_dict
(except the first):
  * farthest point sampling starts at index 0 instead of a random index (reproducible);
  * layers whose results the reference computes and then discards (``sa3``/``sa4`` of each
    point transformer, ``conv_fuse`` and the per-branch classifier ``linear1..3``/``bn6``/``bn7``)
    are kept as parameters but not evaluated;
  * every reshape keeps the batch axis symbolic (``-1``) so an ONNX export has a dynamic batch.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------

@dataclass
class STMTConfig:
    num_classes: int = 56
    frames: int = 24               # T
    points: int = 128              # N vertices per frame
    embed_dim: int = 64            # pointwise conv 3 -> e -> e; all point widths derive from e
    npoint1: int = 64              # FPS centres, level 1
    npoint2: int = 32              # FPS centres, level 2 (must be npoint1 / 2, see notes)
    nsample1: int = 8              # neighbours per centre, level 1
    nsample2: int = 8              # neighbours per centre, level 2
    ca_reduction: int = 16         # channel attention bottleneck = dim // ca_reduction
    depth: int = 5                 # inter-frame transformer
    heads: int = 8
    dim_head: int = 128
    mlp_dim: int = 512
    head_hidden: Tuple[int, int] = (512, 128)
    branch_aux_classes: int = 40   # width of the (unused) per-branch classifier in the reference

    # widths derived from embed_dim (full size: e=64)
    @property
    def local0(self) -> int:       # gather_local_0 in/out (128)
        return 2 * self.embed_dim

    @property
    def local1(self) -> int:       # gather_local_1 in/out and point-transformer width (256)
        return 4 * self.embed_dim

    @property
    def branch_out(self) -> int:   # concat of two offset-attention outputs (512)
        return 8 * self.embed_dim

    @property
    def dim(self) -> int:          # token width: both branches concatenated (1024)
        return 16 * self.embed_dim

    def validate(self) -> None:
        if self.npoint1 != 2 * self.npoint2:
            raise ValueError("npoint1 must be 2 * npoint2: the Euclidean branch's level-2 centre "
                             "features are the level-1 geodesic centre features viewed as "
                             "[npoint2, 2*embed_dim] (reference behaviour)")
        if self.npoint1 > self.points or self.nsample1 > self.points or self.nsample2 > self.npoint1:
            raise ValueError("sampling sizes exceed the point counts")
        if self.dim % self.ca_reduction != 0 or self.local1 % 4 != 0:
            raise ValueError("widths must divide by the reductions")

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["head_hidden"] = list(self.head_hidden)
        return d

    @staticmethod
    def from_dict(d: dict) -> "STMTConfig":
        d = dict(d)
        if "head_hidden" in d:
            d["head_hidden"] = tuple(d["head_hidden"])
        return STMTConfig(**d)


def full_config(num_classes: int = 56) -> STMTConfig:
    """Full-size model as published (about 29M parameters used in forward)."""
    return STMTConfig(num_classes=num_classes)


def small_config(num_classes: int = 8) -> STMTConfig:
    """CPU-sized model: same structure and parameter names, narrower and shallower."""
    return STMTConfig(num_classes=num_classes, embed_dim=16, depth=2, heads=4, dim_head=32,
                      mlp_dim=256, head_hidden=(128, 64))


PRESETS = {"full": full_config, "small": small_config}


# --------------------------------------------------------------------------------------------
# sampling and grouping (export friendly: gathers only, batch axis never read)
# --------------------------------------------------------------------------------------------

def farthest_point_sample(xyz: torch.Tensor, npoint: int) -> torch.Tensor:
    """Deterministic farthest point sampling.

    xyz [M, N, 3] -> indices [M, npoint] (int64). The first index is 0; each next index is the
    point with the largest squared distance to the chosen set (first such index on ties).
    A fixed-count Python loop, so tracing unrolls it.
    """
    distance = torch.full_like(xyz[:, :, 0], 1e10)
    farthest = torch.zeros_like(xyz[:, 0, 0], dtype=torch.long)
    chosen: List[torch.Tensor] = []
    for _ in range(npoint):
        chosen.append(farthest)
        centroid = torch.gather(xyz, 1, farthest.view(-1, 1, 1).expand(-1, 1, 3))  # [M,1,3]
        d = torch.sum((xyz - centroid) ** 2, dim=-1)
        distance = torch.minimum(distance, d)
        farthest = torch.argmax(distance, dim=-1)
    return torch.stack(chosen, dim=1)


def index_points(points: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """points [M, N, C], idx [M, S] or [M, S, K] -> [M, S, C] or [M, S, K, C]."""
    c = points.shape[-1]
    tail = list(idx.shape[1:])
    flat = idx.flatten(1)
    g = torch.gather(points, 1, flat.unsqueeze(-1).expand(-1, -1, c))
    return g.reshape([-1] + tail + [c])


def square_distance(src: torch.Tensor, dst: torch.Tensor) -> torch.Tensor:
    """src [M, S, C], dst [M, N, C] -> squared distances [M, S, N] (expanded form, as published)."""
    dist = -2.0 * torch.matmul(src, dst.transpose(1, 2))
    dist = dist + torch.sum(src ** 2, dim=-1).unsqueeze(-1)
    dist = dist + torch.sum(dst ** 2, dim=-1).unsqueeze(-2)
    return dist


def knn_point(nsample: int, xyz: torch.Tensor, new_xyz: torch.Tensor) -> torch.Tensor:
    """Indices [M, S, nsample] of the nsample Euclidean-nearest points of xyz to each new_xyz."""
    _, idx = torch.topk(square_distance(new_xyz, xyz), nsample, dim=-1, largest=False, sorted=True)
    return idx


def knn_point_geodist(nsample: int, geodist: torch.Tensor, fps_idx: torch.Tensor):
    """Geodesic neighbours of the sampled centres.

    geodist [M, N, N], fps_idx [M, S] -> (idx [M, S, nsample] into the N points: the nsample
    smallest entries of each centre's geodesic row; new_geodist [M, S, S]: the matrix restricted
    to the centres, for the next level).
    """
    n = geodist.shape[-1]
    s = fps_idx.shape[-1]
    rows = torch.gather(geodist, 1, fps_idx.unsqueeze(-1).expand(-1, -1, n))         # [M,S,N]
    new_geodist = torch.gather(rows, 2, fps_idx.unsqueeze(1).expand(-1, s, -1))       # [M,S,S]
    _, idx = torch.topk(rows, nsample, dim=-1, largest=False, sorted=True)
    return idx, new_geodist


def group_features(points: torch.Tensor, idx: torch.Tensor, centre_feat: torch.Tensor) -> torch.Tensor:
    """[grouped - centre, centre] per neighbour: points [M,N,D], idx [M,S,K], centre [M,S,D]
    -> [M, S, K, 2D]."""
    k = idx.shape[-1]
    grouped = index_points(points, idx)                                                # [M,S,K,D]
    centre = centre_feat.unsqueeze(2)
    return torch.cat([grouped - centre, centre.expand(-1, -1, k, -1)], dim=-1)


# --------------------------------------------------------------------------------------------
# point modules (one geodesic and one Euclidean branch share these definitions)
# --------------------------------------------------------------------------------------------

class Local_op(nn.Module):
    """Shared MLP over each neighbourhood (two 1x1 conv + BN + ReLU), max over neighbours."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv1 = nn.Conv1d(in_channels, out_channels, kernel_size=1, bias=False)
        self.conv2 = nn.Conv1d(out_channels, out_channels, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm1d(out_channels)
        self.bn2 = nn.BatchNorm1d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x [M, S, K, D] -> [M, C, S]
        s, k, d = x.shape[1], x.shape[2], x.shape[3]
        y = x.permute(0, 1, 3, 2).reshape(-1, d, k)
        y = F.relu(self.bn1(self.conv1(y)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = torch.amax(y, dim=-1)                                                      # [M*S, C]
        return y.reshape(-1, s, y.shape[-1]).permute(0, 2, 1)


class SA_Layer(nn.Module):
    """Offset attention (PCT). Query and key projections share one weight."""

    def __init__(self, channels: int):
        super().__init__()
        self.q_conv = nn.Conv1d(channels, channels // 4, 1, bias=False)
        self.k_conv = nn.Conv1d(channels, channels // 4, 1, bias=False)
        self.q_conv.weight = self.k_conv.weight
        self.q_conv.bias = self.k_conv.bias
        self.v_conv = nn.Conv1d(channels, channels, 1)
        self.trans_conv = nn.Conv1d(channels, channels, 1)
        self.after_norm = nn.BatchNorm1d(channels)
        self.act = nn.ReLU()
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x: torch.Tensor, xyz: torch.Tensor) -> torch.Tensor:
        # x, xyz [M, C, S]
        x = x + xyz
        q = self.q_conv(x).permute(0, 2, 1)                       # [M,S,C/4]
        k = self.k_conv(x)                                        # [M,C/4,S]
        v = self.v_conv(x)                                        # [M,C,S]
        attention = self.softmax(torch.bmm(q, k))                 # [M,S,S], softmax over keys
        attention = attention / (1e-9 + attention.sum(dim=1, keepdim=True))  # then L1 over queries
        x_r = torch.bmm(v, attention)
        x_r = self.act(self.after_norm(self.trans_conv(x - x_r)))
        return x + x_r


class Point_Transformer_Last(nn.Module):
    """Position embedding of the centres plus four offset-attention layers; the reference
    returns the concatenation of the first two layer outputs only."""

    def __init__(self, channels: int = 256):
        super().__init__()
        self.conv1 = nn.Conv1d(channels, channels, kernel_size=1, bias=False)
        self.pos_xyz = nn.Conv1d(3, channels, 1)
        self.bn1 = nn.BatchNorm1d(channels)
        self.sa1 = SA_Layer(channels)
        self.sa2 = SA_Layer(channels)
        self.sa3 = SA_Layer(channels)   # evaluated by the reference but its output is discarded
        self.sa4 = SA_Layer(channels)   # idem

    def forward(self, x: torch.Tensor, xyz: torch.Tensor) -> torch.Tensor:
        # x [M, C, S], xyz [M, S, 3] -> [M, 2C, S]
        pos = self.pos_xyz(xyz.permute(0, 2, 1))
        x = F.relu(self.bn1(self.conv1(x)))
        x1 = self.sa1(x, pos)
        x2 = self.sa2(x1, pos)
        return torch.cat((x1, x2), dim=1)


class _Branch(nn.Module):
    """Parameters common to both per-frame branches (names as in the reference)."""

    def __init__(self, cfg: STMTConfig):
        super().__init__()
        e = cfg.embed_dim
        self.cfg = cfg
        self.conv1 = nn.Conv1d(3, e, kernel_size=1, bias=False)
        self.conv2 = nn.Conv1d(e, e, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm1d(e)
        self.bn2 = nn.BatchNorm1d(e)
        self.gather_local_0 = Local_op(in_channels=cfg.local0, out_channels=cfg.local0)
        self.gather_local_1 = Local_op(in_channels=cfg.local1, out_channels=cfg.local1)
        self.pt_last = Point_Transformer_Last(cfg.local1)
        # Not used for STMT's output (the reference computes conv_fuse and drops it, and never
        # calls the classifier below); kept so that reference checkpoints load unchanged.
        self.conv_fuse = nn.Sequential(nn.Conv1d(cfg.branch_out + cfg.local1, cfg.dim, kernel_size=1, bias=False),
                                       nn.BatchNorm1d(cfg.dim),
                                       nn.LeakyReLU(negative_slope=0.2))
        self.linear1 = nn.Linear(cfg.dim, cfg.branch_out, bias=False)
        self.bn6 = nn.BatchNorm1d(cfg.branch_out)
        self.dp1 = nn.Dropout(p=0.5)
        self.linear2 = nn.Linear(cfg.branch_out, cfg.local1)
        self.bn7 = nn.BatchNorm1d(cfg.local1)
        self.dp2 = nn.Dropout(p=0.5)
        self.linear3 = nn.Linear(cfg.local1, cfg.branch_aux_classes)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        # x [M, 3, N] -> per-point features [M, N, e]
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return x.permute(0, 2, 1)


class GeodesicModel(_Branch):
    """Centres by FPS; neighbours are the centres' nearest points by geodesic distance."""

    def forward(self, x: torch.Tensor, geodist: torch.Tensor):
        # x [M, 3, N], geodist [M, N, N]
        cfg = self.cfg
        xyz = x.permute(0, 2, 1)
        feat = self.embed(x)                                                           # [M,N,e]

        fps1 = farthest_point_sample(xyz, cfg.npoint1)
        new_xyz1 = index_points(xyz, fps1)                                             # [M,S1,3]
        centre1 = index_points(feat, fps1)                                             # [M,S1,e]
        idx1, geod1 = knn_point_geodist(cfg.nsample1, geodist, fps1)
        f0 = self.gather_local_0(group_features(feat, idx1, centre1)).permute(0, 2, 1)  # [M,S1,2e]

        fps2 = farthest_point_sample(new_xyz1, cfg.npoint2)
        new_xyz2 = index_points(new_xyz1, fps2)                                        # [M,S2,3]
        centre2 = index_points(f0, fps2)                                               # [M,S2,2e]
        idx2, _ = knn_point_geodist(cfg.nsample2, geod1, fps2)
        f1 = self.gather_local_1(group_features(f0, idx2, centre2))                    # [M,4e,S2]

        out = self.pt_last(f1, new_xyz2)                                               # [M,8e,S2]
        return out, new_xyz1, new_xyz2, centre1, centre2


class SpatialModel(_Branch):
    """Same centres as the geodesic branch; neighbours by Euclidean kNN. The centre features are
    the geodesic branch's level-1 centre features at both levels (reference behaviour; at level 2
    they are viewed as [npoint2, 2e])."""

    def forward(self, x: torch.Tensor, new_xyz1: torch.Tensor, new_xyz2: torch.Tensor,
                centre1: torch.Tensor, centre2: torch.Tensor):
        cfg = self.cfg
        xyz = x.permute(0, 2, 1)
        feat = self.embed(x)

        idx1 = knn_point(cfg.nsample1, xyz, new_xyz1)
        f0 = self.gather_local_0(group_features(feat, idx1, centre1)).permute(0, 2, 1)  # [M,S1,2e]

        idx2 = knn_point(cfg.nsample2, new_xyz1, new_xyz2)
        centre = centre1.reshape(-1, cfg.npoint2, f0.shape[-1])                        # [M,S2,2e]
        f1 = self.gather_local_1(group_features(f0, idx2, centre))                     # [M,4e,S2]

        return self.pt_last(f1, new_xyz2)                                              # [M,8e,S2]


# --------------------------------------------------------------------------------------------
# channel attention and inter-frame transformer
# --------------------------------------------------------------------------------------------

class ChannelAttention(nn.Module):
    def __init__(self, in_planes: int, ratio: int = 16):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.max_pool = nn.AdaptiveMaxPool2d(1)
        self.fc1 = nn.Conv2d(in_planes, in_planes // ratio, 1, bias=False)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Conv2d(in_planes // ratio, in_planes, 1, bias=False)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        avg_out = self.fc2(self.relu1(self.fc1(torch.mean(x, dim=(2, 3), keepdim=True))))
        max_out = self.fc2(self.relu1(self.fc1(torch.amax(x, dim=(2, 3), keepdim=True))))
        return self.sigmoid(avg_out + max_out)


class Residual(nn.Module):
    def __init__(self, fn: nn.Module):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x) + x


class PreNorm(nn.Module):
    def __init__(self, dim: int, fn: nn.Module):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fn = fn

    def forward(self, x):
        return self.fn(self.norm(x))


class FeedForward(nn.Module):
    def __init__(self, dim: int, hidden_dim: int, dropout: float = 0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden_dim), nn.GELU(), nn.Dropout(dropout),
                                 nn.Linear(hidden_dim, dim), nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class Attention(nn.Module):
    """Multi-head self-attention; the output projection is followed by GELU (as published)."""

    def __init__(self, dim: int, heads: int = 8, dim_head: int = 64, dropout: float = 0.0):
        super().__init__()
        inner = dim_head * heads
        project_out = not (heads == 1 and dim_head == dim)
        self.heads = heads
        self.dim_head = dim_head
        self.scale = dim_head ** -0.5
        self.to_qkv = nn.Linear(dim, inner * 3, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner, dim), nn.GELU(), nn.Dropout(dropout)) \
            if project_out else nn.Identity()

    def forward(self, x):
        n = x.shape[1]
        h, d = self.heads, self.dim_head
        q, k, v = self.to_qkv(x).chunk(3, dim=-1)
        q = q.reshape(-1, n, h, d).transpose(1, 2)
        k = k.reshape(-1, n, h, d).transpose(1, 2)
        v = v.reshape(-1, n, h, d).transpose(1, 2)
        attn = (torch.matmul(q, k.transpose(-1, -2)) * self.scale).softmax(dim=-1)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(-1, n, h * d)
        return self.to_out(out)


class Transformer(nn.Module):
    def __init__(self, dim: int, depth: int, heads: int, dim_head: int, mlp_dim: int, dropout: float = 0.0):
        super().__init__()
        self.layers = nn.ModuleList([])
        for _ in range(depth):
            self.layers.append(nn.ModuleList([
                Residual(PreNorm(dim, Attention(dim, heads=heads, dim_head=dim_head, dropout=dropout))),
                Residual(PreNorm(dim, FeedForward(dim, mlp_dim, dropout=dropout))),
            ]))

    def forward(self, x):
        for attn, ff in self.layers:
            x = attn(x)
            x = ff(x)
        return x


# --------------------------------------------------------------------------------------------
# STMT
# --------------------------------------------------------------------------------------------

class STMT(nn.Module):
    def __init__(self, cfg: STMTConfig = None):
        super().__init__()
        cfg = cfg or full_config()
        cfg.validate()
        self.cfg = cfg
        self.geo = GeodesicModel(cfg)
        self.spa = SpatialModel(cfg)
        self.ca_T1 = ChannelAttention(cfg.dim, cfg.ca_reduction)
        self.transformer = Transformer(dim=cfg.dim, depth=cfg.depth, heads=cfg.heads,
                                       dim_head=cfg.dim_head, mlp_dim=cfg.mlp_dim)
        h1, h2 = cfg.head_hidden
        self.mlp_head = nn.Sequential(nn.LayerNorm(cfg.dim), nn.Linear(cfg.dim, h1), nn.GELU(),
                                      nn.Linear(h1, h2), nn.GELU(), nn.Linear(h2, cfg.num_classes))

    def forward(self, points: torch.Tensor, geodist: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        t, n = cfg.frames, cfg.points
        x = points.reshape(-1, n, 3).permute(0, 2, 1)                  # [B*T, 3, N]
        g = geodist.reshape(-1, n, n)                                  # [B*T, N, N]

        f_geo, xyz1, xyz2, c1, c2 = self.geo(x, g)
        f_spa = self.spa(x, xyz1, xyz2, c1, c2)
        f = torch.cat((f_geo, f_spa), dim=1)                           # [B*T, D, S2]

        f = f.reshape(-1, t, cfg.dim, cfg.npoint2).permute(0, 2, 1, 3)   # [B, D, T, S2]
        f = self.ca_T1(f) * f
        tokens = f.permute(0, 2, 3, 1).reshape(-1, t * cfg.npoint2, cfg.dim)  # [B, T*S2, D]

        out = self.transformer(tokens)
        out = torch.amax(out, dim=1)
        return self.mlp_head(out)


def count_parameters(model: nn.Module) -> int:
    """Distinct parameter tensors (the shared query/key weight counted once)."""
    return sum(p.numel() for p in model.parameters())


def count_forward_parameters(model: STMT) -> int:
    """Parameters that influence the logits."""
    unused = ("conv_fuse", "linear1", "linear2", "linear3", "bn6", "bn7", "pt_last.sa3", "pt_last.sa4")
    seen, total = set(), 0
    for name, p in model.named_parameters():
        if any(f".{u}." in f".{name}" for u in unused) or id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
    return total
