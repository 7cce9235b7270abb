"""The Python STMT preprocessing (avstream_models/mocap_preprocessing.py) against the Java one, on
the committed parity vectors (models/src/test/resources/parity/stmt, written by
`./avstream export-dataset --parity ...`), and the data set reader on a synthetic data set.

    /usr/bin/python3 -m unittest discover -s models/python
"""
import json
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import mocap_preprocessing as mp  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
PARITY = os.path.join(REPO, "models", "src", "test", "resources", "parity", "stmt")
OBJ = os.path.join(REPO, "schemas", "src", "main", "resources", "avstream", "topologies", "avstream-humanoid-v1.obj")


class JavaParityTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # committed with the repository: missing vectors are a failure, not a reason to skip
        if not os.path.isfile(os.path.join(PARITY, "windows.json")):
            raise AssertionError(f"the committed parity vectors are missing: {PARITY}")
        with open(os.path.join(PARITY, "windows.json")) as f:
            cls.meta = json.load(f)
        cls.vertices, cls.faces = mp.read_obj(OBJ)
        cls.subset_java = np.fromfile(os.path.join(PARITY, "subset.i32"), dtype="<i4")
        cls.frames = np.fromfile(os.path.join(PARITY, "frames.f32"), dtype="<f4").reshape(
            -1, cls.meta["vertex_count"], 3)
        cls.points_java = np.fromfile(os.path.join(PARITY, "points.f32"), dtype="<f4").reshape(
            -1, cls.meta["frames_per_window"], cls.meta["points"], 3)

    def test_template_matches_the_frames(self):
        self.assertEqual(self.vertices.shape, (self.meta["vertex_count"], 3))
        self.assertEqual(self.frames.shape[0], self.meta["actor"]["frame_count"])

    def test_subset_is_identical(self):
        subset = mp.farthest_point_sampling(self.vertices, self.meta["points"], start=0)
        np.testing.assert_array_equal(subset, self.subset_java)

    def test_geodesic_matrix_matches(self):
        g = mp.geodesic_matrix(self.vertices, self.faces, self.subset_java)
        g_java = np.fromfile(os.path.join(PARITY, "geodist.f32"), dtype="<f4").reshape(g.shape)
        np.testing.assert_allclose(g, g_java, rtol=1e-6, atol=1e-6)
        self.assertTrue(np.all(np.diag(g) == 0))
        np.testing.assert_array_equal(g, g.T)

    def test_frame_selection_and_points_match(self):
        self.assertEqual(len(self.meta["windows"]), len(self.points_java))
        for k, w in enumerate(self.meta["windows"]):
            times = np.asarray(w["times_us"], dtype=np.int64)
            picks = mp.select_frames(times, w["start_us"], w["end_us"], self.meta["frames_per_window"])
            np.testing.assert_array_equal(picks, w["picks"], err_msg=f"window {k}")
            rows = np.asarray(w["rows"])[picks]
            clip = self.frames[rows][:, self.subset_java, :]
            pts = mp.normalise_clips(clip)
            np.testing.assert_allclose(pts, self.points_java[k], rtol=0, atol=1e-5, err_msg=f"window {k}")
            self.assertEqual(np.abs(pts - self.points_java[k]).max(), 0.0, f"window {k} is not bit-identical")

    def test_third_window_breaks_ties_towards_the_earlier_frame(self):
        w = self.meta["windows"][2]
        times = np.asarray(w["times_us"], dtype=np.int64)
        picks = mp.select_frames(times, w["start_us"], w["end_us"])
        self.assertEqual(times[picks[1]], w["start_us"] + 105_000)   # 105 and 145 ms are 20 ms from 125 ms


class WindowingTest(unittest.TestCase):

    def test_min_frames_and_window_starts_follow_window_spec(self):
        self.assertEqual(mp.min_frames(25.0), 40)
        starts = mp.window_starts(0, 5_960_000, 2_000_000, 1_000_000)
        np.testing.assert_array_equal(starts, np.arange(-1, 6) * 1_000_000)
        self.assertEqual(mp.window_starts(0, 3_960_000, 2_000_000, 250_000)[0], -1_750_000)

    def test_select_frames_repeats_frames_of_a_sparse_window(self):
        picks = mp.select_frames(np.array([500_000, 100_000]), 0, 2_000_000, 4)
        np.testing.assert_array_equal(picks, [1, 0, 0, 0])

    def test_normalise_clips_batches(self):
        rng = np.random.default_rng(1)
        clips = rng.normal(size=(3, 24, 128, 3)).astype(np.float32)
        one = np.stack([mp.normalise_clips(c) for c in clips])
        np.testing.assert_array_equal(mp.normalise_clips(clips), one)
        self.assertAlmostEqual(float(one[0, ..., 1].max() - one[0, ..., 1].min()), 1.0, places=6)

    def test_majority_ties_go_to_the_label_that_got_there_first(self):
        self.assertEqual(mp.majority(np.array([3, 3, 1, 1])), (3, 2))
        self.assertEqual(mp.majority(np.array([1, 3, 3, 1])), (3, 2))

    def test_reads_and_cuts_a_small_data_set(self):
        with tempfile.TemporaryDirectory() as d:
            n, fps = 200, 25.0
            rng = np.random.default_rng(0)
            q = rng.integers(-3000, 3000, size=(n, 128, 3)).astype("<i2")
            o = rng.normal(size=(n, 3)).astype("<f4")
            labels = np.array([0] * 100 + [5] * 100, dtype=np.uint8)
            trans = np.zeros(n, dtype=np.uint8)
            trans[100:110] = 1
            for name, arr in [("train_points.i16", q), ("train_offsets.f32", o), ("train_labels.u8", labels),
                              ("train_transition.u8", trans)]:
                arr.tofile(os.path.join(d, name))
            np.zeros((128, 128), dtype="<f4").tofile(os.path.join(d, "geodist.f32"))
            meta = {"points": 128, "fps": fps, "quantisation": {"step_m": 1e-4},
                    "splits": {"train": [{"stream_id": "train-000", "seed": 1, "first_frame": 0, "frame_count": n}]}}
            with open(os.path.join(d, "meta.json"), "w") as f:
                json.dump(meta, f)
            _, geod, splits = mp.load_dataset(d, splits=("train",))
            s = splits["train"]
            np.testing.assert_allclose(s.points, o[:, None, :] + q * 1e-4, atol=1e-6)
            ws = mp.cut_windows(s, fps, hop_us=1_000_000)
            # 8 s: windows starting at 0..7 s hold >= 40 frames except the last (7 s: 25 frames)
            self.assertEqual([w.start_us for w in ws], [i * 1_000_000 for i in range(7)])
            self.assertEqual([w.label for w in ws], [0, 0, 0, 0, 5, 5, 5])
            self.assertEqual([w.pure for w in ws], [True, True, True, False, False, True, True])
            self.assertEqual(ws[3].share, 0.5)
            self.assertEqual(mp.window_points(s, ws).shape, (7, 24, 128, 3))


if __name__ == "__main__":
    unittest.main()
