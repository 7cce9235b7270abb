"""Smoke test of train_stmt.py on a tiny made-up data set (a few seconds on a CPU), and of reading
its outputs back with export_stmt.load_trained.

    /usr/bin/python3 -m unittest discover -s models/python
"""
import json
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import export_stmt  # noqa: E402
import train_stmt  # noqa: E402


def write_dataset(d: str, frames: int = 100) -> None:
    rng = np.random.default_rng(0)
    meta = {"format": "avstream-mocap-dataset-v1", "topology": "avstream-humanoid-v1", "points": 128, "fps": 25.0,
            "quantisation": {"step_m": 1e-4}, "labels": list(export_stmt.LABELS), "command": "made up",
            "splits": {}, "files": {}}
    for split in ("train", "test"):
        q = rng.integers(-8000, 8000, size=(frames, 128, 3)).astype("<i2")
        arrays = {"points.i16": q, "offsets.f32": rng.normal(size=(frames, 3)).astype("<f4"),
                  "labels.u8": np.repeat(np.array([1, 4], dtype=np.uint8), frames // 2),
                  "transition.u8": np.zeros(frames, dtype=np.uint8)}
        for name, arr in arrays.items():
            arr.tofile(os.path.join(d, f"{split}_{name}"))
        meta["splits"][split] = [{"stream_id": f"{split}-000", "seed": 1, "first_frame": 0, "frame_count": frames}]
    np.abs(rng.normal(size=(128, 128))).astype("<f4").tofile(os.path.join(d, "geodist.f32"))
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f)


class TrainSmokeTest(unittest.TestCase):

    def test_one_epoch_on_two_windows_writes_state_and_report(self):
        with tempfile.TemporaryDirectory() as d:
            write_dataset(d)
            state = os.path.join(d, "out", "state.pt")
            torch.set_num_threads(max(1, torch.get_num_threads()))
            report = train_stmt.main(["--data", d, "--device", "cpu", "--epochs", "1", "--limit-windows", "2",
                                      "--batch-size", "2", "--eval-every", "0", "--out-state", state])
            self.assertEqual(report["training"]["windows"], 2)
            self.assertEqual(report["heldout"]["windows_all"], 2)
            self.assertEqual(np.asarray(report["heldout"]["confusion_all"]).shape, (8, 8))
            self.assertEqual(int(np.asarray(report["heldout"]["confusion_all"]).sum()), 2)
            with open(os.path.join(d, "out", "state.json")) as f:
                self.assertEqual(json.load(f)["training"]["epochs"], 1)
            model, weights, provenance, _ = export_stmt.load_trained(state, os.path.join(d, "out", "state.json"))
            self.assertEqual(weights["kind"], "synthetic-trained")
            self.assertIn("1 epochs", weights["note"])
            self.assertEqual(provenance["training"]["dataset_command"], "made up")
            self.assertFalse(model.training)


if __name__ == "__main__":
    unittest.main()
