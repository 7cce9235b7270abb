"""STMT preprocessing of MoCap windows in numpy, equal to the Java streaming job's
(`io.avstream.operators.mocap.StmtPreprocessor`, `io.avstream.operators.window.WindowSpec`):

- vertex subset: farthest point sampling of the template from vertex 0, lowest index on ties;
- geodesic matrix: Dijkstra over the mesh edges, edge length = template Euclidean length, metres;
- windows of `span` every `hop`, aligned to multiples of the hop, kept if they hold at least
  `ceil(min_coverage * fps * span)` frames;
- 24 frames per window: for each of 24 equal bins the frame nearest the bin midpoint (the earlier
  frame on a tie);
- per clip: bounding-box centre subtracted per axis, all axes divided by the box's y-extent.

Also reads the data sets that `avstream export-dataset` writes. numpy only (no torch).
"""
from __future__ import annotations

import heapq
import json
import math
import os
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np

SPAN_US = 2_000_000
STREAM_HOP_US = 1_000_000
MIN_COVERAGE = 0.8
FRAMES = 24
POINTS = 128


# ---------------------------------------------------------------------------------------------
# template: OBJ, subset, geodesic distances

def read_obj(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Vertices [V, 3] float32 and triangles [F, 3] int64 (0-based) of an OBJ file."""
    verts, faces = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "v":
                verts.append([float(x) for x in parts[1:4]])
            elif parts[0] == "f":
                idx = [int(p.split("/")[0]) for p in parts[1:]]
                for k in range(1, len(idx) - 1):          # fan-triangulate polygons
                    faces.append([idx[0] - 1, idx[k] - 1, idx[k + 1] - 1])
    return np.asarray(verts, dtype=np.float32), np.asarray(faces, dtype=np.int64)


def farthest_point_sampling(xyz: np.ndarray, count: int, start: int = 0) -> np.ndarray:
    """Indices of `count` points: `start`, then each time the point farthest (squared Euclidean
    distance in float64 from float32 coordinates) from all picked so far, lowest index on ties."""
    p = np.asarray(xyz, dtype=np.float32).astype(np.float64)
    n = len(p)
    if not 1 <= count <= n:
        raise ValueError(f"cannot pick {count} of {n} points")
    picked = np.empty(count, dtype=np.int64)
    nearest = np.full(n, np.inf)
    current = start
    for k in range(count):
        picked[k] = current
        d = p - p[current]
        dist = d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2]
        np.minimum(nearest, dist, out=nearest)
        current = int(np.argmax(nearest))                  # first maximum = lowest index
    return picked


def geodesic_matrix(vertices: np.ndarray, faces: np.ndarray, subset: np.ndarray) -> np.ndarray:
    """Shortest paths along the mesh edges between every pair of `subset` vertices, metres,
    float32 [m, m]; each edge weighs its Euclidean length (float64 from float32 coordinates)."""
    v = np.asarray(vertices, dtype=np.float32).astype(np.float64)
    n = len(v)
    adj: List[Dict[int, float]] = [dict() for _ in range(n)]
    for tri in np.asarray(faces):
        for e in range(3):
            a, b = int(tri[e]), int(tri[(e + 1) % 3])
            if a == b:
                continue
            d = v[a] - v[b]
            w = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
            adj[a][b] = w
            adj[b][a] = w
    m = len(subset)
    out = np.zeros((m, m), dtype=np.float64)
    for i, s in enumerate(subset):
        dist = [math.inf] * n
        dist[int(s)] = 0.0
        heap = [(0.0, int(s))]
        done = [False] * n
        while heap:
            du, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            for w_, length in adj[u].items():
                nd = du + length
                if nd < dist[w_]:
                    dist[w_] = nd
                    heapq.heappush(heap, (nd, w_))
        row = np.array([dist[int(t)] for t in subset])
        if not np.all(np.isfinite(row)):
            raise ValueError(f"vertex {s} does not reach every subset vertex along the mesh edges")
        out[i] = row
    out = np.triu(out) + np.triu(out, 1).T                 # row a's search fills pairs (a, b >= a), as in Java
    np.fill_diagonal(out, 0.0)
    return out.astype(np.float32)


# ---------------------------------------------------------------------------------------------
# windows

def min_frames(fps: float, span_us: int = SPAN_US, min_coverage: float = MIN_COVERAGE) -> int:
    """Fewest frames a window must hold (WindowSpec.minFrames)."""
    return max(1, int(math.ceil(min_coverage * fps * span_us / 1_000_000.0 - 1e-9)))


def frame_times_us(count: int, fps: float) -> np.ndarray:
    """Times of frames 0..count-1 of an actor, microseconds: Java's Math.round(i * 1e6 / fps)."""
    return np.floor(np.arange(count, dtype=np.float64) * 1_000_000.0 / fps + 0.5).astype(np.int64)


def window_starts(first_us: int, last_us: int, span_us: int, hop_us: int) -> np.ndarray:
    """Starts (multiples of the hop) of every window [s, s + span) holding a time in [first, last]."""
    k0 = (first_us - span_us) // hop_us + 1                # WindowSpec.firstWindowStartContaining
    k1 = last_us // hop_us                                 # WindowSpec.lastWindowStartContaining
    return np.arange(k0, k1 + 1, dtype=np.int64) * hop_us


def select_frames(times_us: np.ndarray, start_us: int, end_us: int, frames: int = FRAMES) -> np.ndarray:
    """StmtPreprocessor.selectFrames: per bin the index of the frame nearest its midpoint; on equal
    distance the frame with the earlier time, then the earlier position."""
    t = np.asarray(times_us, dtype=np.int64)
    if len(t) == 0:
        raise ValueError("the window holds no frames")
    if end_us <= start_us:
        raise ValueError("window end is not after its start")
    width = float(end_us - start_us) / frames
    picks = np.empty(frames, dtype=np.int64)
    tf = t.astype(np.float64)
    pos = np.arange(len(t))
    for b in range(frames):
        mid = float(start_us) + (b + 0.5) * width
        gap = np.abs(tf - mid)
        picks[b] = np.lexsort((pos, t, gap))[0]
    return picks


def normalise_clips(points: np.ndarray) -> np.ndarray:
    """StmtPreprocessor.points for one clip [T, N, 3] or a batch [..., T, N, 3]: minimum and maximum
    per axis over the clip (float32), centre and y-extent in float64, result float32."""
    p = np.asarray(points, dtype=np.float32)
    lo = p.min(axis=(-3, -2), keepdims=True).astype(np.float64)
    hi = p.max(axis=(-3, -2), keepdims=True).astype(np.float64)
    if not np.all(np.isfinite(lo)) or not np.all(np.isfinite(hi)):
        raise ValueError("clip holds a non-finite coordinate")
    centre = 0.5 * (lo + hi)
    h = hi[..., 1:2] - lo[..., 1:2]
    inv = np.where(h > 1e-9, 1.0 / np.where(h > 1e-9, h, 1.0), 1.0)
    return ((p.astype(np.float64) - centre) * inv).astype(np.float32)


def majority(labels: np.ndarray) -> Tuple[int, int]:
    """The most frequent label and its count; on a tie the label that reached that count first
    (the rule of the streaming job's window annotation)."""
    counts: Dict[int, int] = {}
    best, best_count = -1, 0
    for a in labels.tolist():
        c = counts.get(a, 0) + 1
        counts[a] = c
        if c > best_count:
            best, best_count = a, c
    return best, best_count


# ---------------------------------------------------------------------------------------------
# data sets written by `avstream export-dataset`

class Split(NamedTuple):
    points: np.ndarray       # [N, 128, 3] float32, dequantised, metres
    labels: np.ndarray       # [N] uint8
    transition: np.ndarray   # [N] uint8
    actors: List[dict]       # stream_id, seed, first_frame, frame_count


def load_dataset(path: str, splits=("train", "test")) -> Tuple[dict, np.ndarray, Dict[str, Split]]:
    """meta.json, the geodesic matrix [128, 128] and the dequantised splits."""
    with open(os.path.join(path, "meta.json")) as f:
        meta = json.load(f)
    for name, info in meta.get("files", {}).items():
        size = os.path.getsize(os.path.join(path, name))
        if size != info["bytes"]:
            raise ValueError(f"{name}: {size} bytes, meta.json says {info['bytes']} (incomplete copy?)")
    n_pts = int(meta["points"])
    step = float(meta["quantisation"]["step_m"])
    geodist = np.fromfile(os.path.join(path, "geodist.f32"), dtype="<f4").reshape(n_pts, n_pts)
    out = {}
    for s in splits:
        q = np.fromfile(os.path.join(path, f"{s}_points.i16"), dtype="<i2").reshape(-1, n_pts, 3)
        o = np.fromfile(os.path.join(path, f"{s}_offsets.f32"), dtype="<f4").reshape(-1, 1, 3)
        pts = (o.astype(np.float64) + q.astype(np.float64) * step).astype(np.float32)
        labels = np.fromfile(os.path.join(path, f"{s}_labels.u8"), dtype=np.uint8)
        trans = np.fromfile(os.path.join(path, f"{s}_transition.u8"), dtype=np.uint8)
        if not (len(pts) == len(labels) == len(trans)):
            raise ValueError(f"split {s}: array lengths differ")
        out[s] = Split(pts, labels, trans, meta["splits"][s])
    return meta, geodist, out


class Window(NamedTuple):
    actor: int               # index into the split's actor list
    start_us: int
    rows: np.ndarray         # [24] rows of the split arrays, the selected frames
    frame_count: int         # frames in the window
    label: int               # majority action
    share: float             # majority count / frame count
    pure: bool               # one action throughout and no transition frame


def cut_windows(split: Split, fps: float, hop_us: int, span_us: int = SPAN_US,
                min_coverage: float = MIN_COVERAGE, frames: int = FRAMES) -> List[Window]:
    """The windows the streaming job would cut from each actor of a split (actor time = frame
    index / fps), with their selected frames and labels."""
    need = min_frames(fps, span_us, min_coverage)
    out = []
    for ai, actor in enumerate(split.actors):
        first, count = int(actor["first_frame"]), int(actor["frame_count"])
        times = frame_times_us(count, fps)
        for s in window_starts(int(times[0]), int(times[-1]), span_us, hop_us):
            lo = int(np.searchsorted(times, s, side="left"))
            hi = int(np.searchsorted(times, s + span_us, side="left"))
            n = hi - lo
            if n < need:
                continue
            picks = select_frames(times[lo:hi], int(s), int(s + span_us), frames)
            rows = first + lo + picks
            lab = split.labels[first + lo:first + hi]
            label, c = majority(lab)
            pure = bool(c == n and not split.transition[first + lo:first + hi].any())
            out.append(Window(ai, int(s), rows.astype(np.int64), n, int(label), c / n, pure))
    return out


def window_points(split: Split, windows: List[Window]) -> np.ndarray:
    """Normalised model input [W, 24, 128, 3] float32 of the windows."""
    if not windows:
        return np.zeros((0, FRAMES, POINTS, 3), dtype=np.float32)
    rows = np.stack([w.rows for w in windows])
    return normalise_clips(split.points[rows])
