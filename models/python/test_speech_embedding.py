"""The PyTorch port of Google's speech_embedding (avstream_models/speech_embedding.py) against ONNX Runtime's outputs of
the same two ONNX files (golden vectors by models/src/test/node/speech_embedding_golden.js over the first 3 s of the
committed speech recording)."""
import json
import os
import sys
import unittest
import wave

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import speech_embedding as se  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(ROOT, "models/src/test/resources/golden/speech-embedding/speech-embedding-golden.json")
WAV = os.path.join(ROOT, "models/src/test/resources/speech/speech-pauses.wav")


def clip(samples: int) -> np.ndarray:
    with wave.open(WAV, "rb") as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(samples), dtype="<i2").astype(np.float32)


class SpeechEmbeddingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(GOLDEN) as f:
            cls.golden = json.load(f)
        torch.set_num_threads(1)

    def test_mel_frames_are_onnx_runtimes(self):
        g = self.golden
        mel = se.MelSpectrogram()(torch.from_numpy(clip(g["samples"])).unsqueeze(0))
        expected = np.asarray(g["mel"], dtype=np.float32).reshape(-1, se.MEL_BINS)
        self.assertEqual(tuple(mel.shape), expected.shape)
        self.assertLess(float(np.abs(mel.numpy() - expected).max()), 1e-3)

    def test_the_whole_utterance_run_gives_every_windows_embedding(self):
        g = self.golden
        mel = torch.from_numpy(np.asarray(g["mel"], dtype=np.float32).reshape(1, -1, se.MEL_BINS))
        net = se.Embedding()
        expected = np.asarray(g["embeddings"], dtype=np.float32)
        worst = 0.0
        for offset in (0, 4):
            run = net(mel[:, offset:])[0].numpy()
            for k in range(run.shape[0]):
                start = offset + se.STRIDE * k
                j = g["window_starts"].index(start)
                worst = max(worst, float(np.abs(run[k] - expected[j]).max()))
        self.assertLess(worst, 1e-4)
        self.assertEqual(len(g["window_starts"]), (mel.shape[1] - se.WINDOW) // 4 + 1)

    def test_the_upstream_gives_one_embedding_per_hop_centred_on_it(self):
        up = se.SpeechEmbedding(hop=4)
        x = clip(16000) / 32768.0
        out = up(x)
        self.assertEqual(tuple(out.shape), (up.frames(16000), se.DIM))
        self.assertEqual(up.frames(16000), 25)
        # embedding k of the padded clip is the window starting at k * 4 frames of the padded mel: the same network
        side = (se.WINDOW - 4) // 2 * 160
        padded = np.zeros(side + 25 * 640 + side + 512, dtype=np.float32)
        padded[side:side + 16000] = x * 32768.0
        mel = se.MelSpectrogram()(torch.from_numpy(padded).unsqueeze(0))
        direct = se.Embedding()(mel[12:12 + se.WINDOW].unsqueeze(0))[0, 0]
        self.assertLess(float((out[3] - direct).abs().max()), 1e-4)

    def test_the_files_are_checked(self):
        for name, digest in se.SHA256.items():
            self.assertEqual(len(digest), 64, name)
        self.assertTrue(os.path.exists(os.path.join(se.DIR, "LICENSE")))


if __name__ == "__main__":
    unittest.main()
