"""Golden values of MAViL's video preprocessing for the Java side (operators: video.FramePreprocessor).

AV-SUPERB's mavil expert (upstream_models/mavil/expert.py) turns uint8 RGB frames into the model input with
ToTensorVideo (/255), Resize((224, 224)) and NormalizeVideo(ImageNet mean and std). Resize on tensors is bilinear
interpolation without antialiasing in the torchvision of its time (torch's interpolate, align_corners=False); this
computes exactly that with torch for synthetic frames defined by integer formulas that Java repeats, and writes, per
frame, the values at 2,000 seeded positions of the [3, 224, 224] output and the per-channel sums.

    cd models/python && /usr/bin/python3 -m avstream_models.video_golden \
        --out ../../operators/src/test/resources/golden/video/preprocess.json
"""
from __future__ import annotations

import argparse
import json

import numpy as np
import torch
import torch.nn.functional as F

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
SIZE = 224
FRAMES = [(97, 61), (320, 180), (224, 224), (640, 480)]


def frame(w: int, h: int) -> np.ndarray:
    """The synthetic RGB frame [h, w, 3] uint8 (Java: FramePreprocessorTest.frame)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    r = (x * 7 + y * 3) % 256
    g = (x * x + 5 * y) % 256
    b = ((x // 8 + y // 8) % 2) * 200 + (x ^ y) % 56
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def preprocess_frames(frames: torch.Tensor) -> torch.Tensor:
    """[N, 3, 224, 224] from uint8 RGB frames [N, h, w, 3] (on any device)."""
    x = frames.permute(0, 3, 1, 2).to(torch.float32) / 255.0                             # [N, 3, h, w]
    x = F.interpolate(x, size=(SIZE, SIZE), mode="bilinear", align_corners=False, antialias=False)
    mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def preprocess(rgb: np.ndarray) -> torch.Tensor:
    """[3, 224, 224] from one uint8 RGB frame [h, w, 3]."""
    return preprocess_frames(torch.from_numpy(np.ascontiguousarray(rgb)).unsqueeze(0))[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(11)
    positions = rng.integers(0, 3 * SIZE * SIZE, size=2000).tolist()
    out = {"made_by": "models/python/avstream_models/video_golden.py", "torch": torch.__version__, "size": SIZE,
           "mean": MEAN, "std": STD, "resize": "bilinear, align_corners=False, antialias=False, on /255 floats",
           "layout": "[3, 224, 224] channel-major", "positions": positions, "frames": []}
    for w, h in FRAMES:
        y = preprocess(frame(w, h)).reshape(-1).numpy()
        out["frames"].append({"width": w, "height": h, "values": [float(y[p]) for p in positions],
                              "channel_sums": [float(s) for s in y.reshape(3, -1).astype(np.float64).sum(1)]})
    with open(args.out, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
