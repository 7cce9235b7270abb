"""The committed golden values of MAViL's video preprocessing (checked by Java's FramePreprocessorTest) are what
avstream_models/video_golden.py computes now."""
import json
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import video_golden  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.dirname(HERE)), "operators/src/test/resources/golden/video/preprocess.json")


class VideoGoldenTest(unittest.TestCase):
    def test_the_committed_values_are_recomputed(self):
        with open(GOLDEN) as f:
            g = json.load(f)
        self.assertEqual(len(g["frames"]), len(video_golden.FRAMES))
        for fr in g["frames"]:
            y = video_golden.preprocess(video_golden.frame(fr["width"], fr["height"])).reshape(-1).numpy()
            self.assertEqual(y.shape[0], 3 * 224 * 224)
            np.testing.assert_allclose(y[g["positions"]], fr["values"], rtol=0, atol=1e-6)

    def test_resize_keeps_a_constant_frame_constant(self):
        rgb = np.full((50, 70, 3), 128, dtype=np.uint8)
        y = video_golden.preprocess(rgb).numpy()
        for c in range(3):
            self.assertAlmostEqual(float(y[c].mean()), (128 / 255 - video_golden.MEAN[c]) / video_golden.STD[c], places=5)
            self.assertLess(float(y[c].std()), 1e-5)


if __name__ == "__main__":
    unittest.main()
