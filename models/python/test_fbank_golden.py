"""The committed golden vectors of the Java filterbank (operators/src/test/resources/golden/fbank, which
KaldiFbankTest compares the Java KaldiFbank with) against torchaudio's Kaldi fbank, recomputed here, so
that the Java side is checked against PyTorch and not only against files.

    /usr/bin/python3 -m unittest discover -s models/python
"""
import json
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import fbank_golden  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(REPO, "operators", "src", "test", "resources", "golden", "fbank")


class FbankGoldenTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        index = os.path.join(GOLDEN, "index.json")
        if not os.path.isfile(index):
            raise AssertionError(f"the committed fbank golden vectors are missing: {index}")
        with open(index) as f:
            cls.index = json.load(f)

    def test_every_signal_of_the_generator_is_committed(self):
        self.assertEqual([e["name"] for e in self.index["signals"]], [s[0] for s in fbank_golden.SIGNALS])

    def test_committed_waves_are_the_generator_signals(self):
        rng = np.random.default_rng(self.index["seed"])
        for name, _, make, _ in fbank_golden.SIGNALS:
            wave = make(rng).astype(np.float32)
            committed = np.fromfile(os.path.join(GOLDEN, name + ".wave.f32"), dtype="<f4")
            np.testing.assert_array_equal(committed, wave, err_msg=name)

    def test_committed_fbanks_are_torchaudio_kaldi_fbank_of_the_waves(self):
        for e in self.index["signals"]:
            with self.subTest(e["name"]):
                wave = np.fromfile(os.path.join(GOLDEN, e["name"] + ".wave.f32"), dtype="<f4")
                self.assertEqual(wave.shape[0], e["samples"])
                committed = np.fromfile(os.path.join(GOLDEN, e["name"] + ".fbank.f32"), dtype="<f4").reshape(
                    e["frames"], e["bins"])
                feats = fbank_golden.fbank(wave, e["kwargs"])
                self.assertEqual(feats.shape, committed.shape)
                np.testing.assert_allclose(feats, committed, rtol=1e-5, atol=1e-4, err_msg=e["name"])


if __name__ == "__main__":
    unittest.main()
