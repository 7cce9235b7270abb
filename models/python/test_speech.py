"""Fast tests of speech-small (no data set needed): shapes and the CTC frame formula, padding invariance (a sample's
outputs alone equal its outputs in a zero-padded batch with longer samples), the within-length reversal of the BiLSTM,
the symbol set and greedy CTC decoding, the ONNX export (checker, symbolic batch/time axes; run with ONNX Runtime
when the `onnxruntime` module exists) and, when the package exists, its checksums, labels and golden vectors.

    cd models && /usr/bin/python3 -m unittest discover -s python
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models.speech_model import (BLANK, EMOTIONS, SEPARATOR, SYMBOLS, AMSoftmax, SpeechConfig,  # noqa: E402
                                          SpeechModel, encode_text, greedy_decode, output_frames,
                                          reverse_within_length)

REPO = os.path.dirname(os.path.dirname(HERE))
PACKAGE = os.path.join(REPO, "models", "packages", "speech-small")
GOLDEN = os.path.join(REPO, "models", "src", "test", "resources", "golden", "speech-small")
HAS_ORT = importlib.util.find_spec("onnxruntime") is not None
HAS_TORCHAUDIO = importlib.util.find_spec("torchaudio") is not None


def padded(feats):
    t = max(f.shape[0] for f in feats)
    x = torch.zeros(len(feats), t, 80)
    for i, f in enumerate(feats):
        x[i, :f.shape[0]] = f
    return x, torch.tensor([f.shape[0] for f in feats], dtype=torch.long)


class SpeechModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.model = SpeechModel(SpeechConfig()).eval()
        g = torch.Generator().manual_seed(1)
        cls.feats = [torch.randn(t, 80, generator=g) for t in (37, 50, 13, 96, 5)]

    def test_shapes_and_frame_formula(self):
        x, lens = padded(self.feats)
        with torch.no_grad():
            ctc, emb, emo = self.model(x, lens)
        self.assertEqual(tuple(ctc.shape), (5, output_frames(96), 32))
        self.assertEqual(tuple(emb.shape), (5, 256))
        self.assertEqual(tuple(emo.shape), (5, 4))
        for t in (1, 2, 3, 4, 5, 7, 8, 9, 37, 50):
            with torch.no_grad():
                c, _, _ = self.model(torch.randn(1, t, 80), torch.tensor([t]))
            self.assertEqual(c.shape[1], 2 * ((t + 3) // 4), t)
        self.assertTrue(torch.allclose(emb.norm(dim=1), torch.ones(5), atol=1e-5))
        self.assertTrue(torch.allclose(ctc.exp().sum(-1), torch.ones(ctc.shape[:2]), atol=1e-4))  # log-softmax

    def test_padding_invariance(self):
        x, lens = padded(self.feats)
        with torch.no_grad():
            cb, eb, ob = self.model(x, lens)
            for i, f in enumerate(self.feats):
                c, e, o = self.model(f.unsqueeze(0), torch.tensor([f.shape[0]]))
                n = output_frames(f.shape[0])
                self.assertEqual(c.shape[1], n)
                self.assertLess(float((cb[i, :n] - c[0]).abs().max()), 1e-5, f"ctc of sample {i}")
                self.assertLess(float((eb[i] - e[0]).abs().max()), 1e-5, f"embedding of sample {i}")
                self.assertLess(float((ob[i] - o[0]).abs().max()), 1e-5, f"emotion of sample {i}")

    def test_reverse_within_length(self):
        x = torch.arange(2 * 6, dtype=torch.float32).reshape(2, 6, 1)
        r = reverse_within_length(x, torch.tensor([4, 6]))
        self.assertEqual(r[0, :, 0].tolist(), [3, 2, 1, 0, 4, 5])
        self.assertEqual(r[1, :, 0].tolist(), [11, 10, 9, 8, 7, 6])
        self.assertTrue(torch.equal(reverse_within_length(r, torch.tensor([4, 6])), x))

    def test_am_softmax(self):
        am = AMSoftmax(256, 7)
        loss, cos = am(torch.randn(5, 256), torch.tensor([0, 1, 2, 3, 6]))
        self.assertTrue(torch.isfinite(loss))
        self.assertEqual(tuple(cos.shape), (5, 7))
        self.assertEqual((am.s, am.m), (30.0, 0.4))


class SymbolsAndDecoderTest(unittest.TestCase):
    def test_symbols(self):
        self.assertEqual(len(SYMBOLS), 32)
        self.assertEqual(SYMBOLS[:5], ["<s>", "<pad>", "</s>", "<unk>", "|"])
        self.assertEqual(BLANK, 0)
        self.assertEqual(SEPARATOR, 4)
        self.assertEqual(sorted(SYMBOLS[5:]), sorted(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ'")))
        self.assertEqual("".join(SYMBOLS[5:]), "ETAOINSHRLDUWMYCGFPBVK'XJZQ")  # av-superb av_asr/char.dict order
        self.assertEqual(EMOTIONS, ["neutral", "happy", "angry", "sad"])

    def one_hot(self, ids):
        x = torch.full((len(ids), 32), -10.0)
        for t, i in enumerate(ids):
            x[t, i] = 0.0
        return x

    def test_greedy_decode(self):
        s = {c: SYMBOLS.index(c) for c in SYMBOLS}
        ids = [0, s["H"], s["H"], 0, s["E"], s["L"], 0, s["L"], s["L"], s["O"], s["|"], s["|"], 0, s["G"], s["O"], 0,
               s["|"], 0]
        self.assertEqual(greedy_decode(self.one_hot(ids)), "hello go")
        self.assertEqual(greedy_decode(self.one_hot(ids), 6), "hel")           # only the valid frames
        self.assertEqual(greedy_decode(self.one_hot([0, 0, 0])), "")
        self.assertEqual(greedy_decode(self.one_hot([s["|"], s["N"], s["<unk>"], s["O"], s["|"]])), "no")
        self.assertEqual(greedy_decode(self.one_hot([s["D"], s["O"], s["N"], s["'"], s["T"]])), "don't")

    def test_encode_round_trip(self):
        text = "turn off the lights"
        ids = encode_text(text)
        self.assertEqual(ids.count(SEPARATOR), 3)
        path = []
        for i in ids:  # blanks between symbols: also separates doubled letters
            path += [i, 0]
        self.assertEqual(greedy_decode(self.one_hot(path)), text)
        # without a blank between them, doubled letters collapse (CTC needs the blank): "off" -> "of"
        self.assertEqual(greedy_decode(self.one_hot(ids)), "turn of the lights")


class OnnxExportTest(unittest.TestCase):
    def test_export(self):
        import onnx
        import export_speech
        torch.manual_seed(0)
        model = SpeechModel(SpeechConfig(dim=32, layers=2, heads=4, ff=64, proj_dim=256, lstm_hidden=16)).eval()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.onnx")
            export_speech.export_onnx(model, path)   # runs onnx.checker and checks names and symbolic axes
            m = onnx.load(path)
            self.assertLessEqual(max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), 17)
            if HAS_ORT:
                import onnxruntime as ort
                sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
                g = torch.Generator().manual_seed(3)
                feats = [torch.randn(t, 80, generator=g) for t in (21, 64, 9)]
                x, lens = padded(feats)
                out = sess.run(None, {"fbank": x.numpy(), "fbank_len": lens.numpy()})
                for i, f in enumerate(feats):
                    with torch.no_grad():
                        c, e, o = model(f.unsqueeze(0), torch.tensor([f.shape[0]]))
                    n = output_frames(f.shape[0])
                    np.testing.assert_allclose(out[0][i, :n], c[0].numpy(), atol=1e-4)
                    np.testing.assert_allclose(out[1][i], e[0].numpy(), atol=1e-5)
                    np.testing.assert_allclose(out[2][i], o[0].numpy(), atol=1e-4)


@unittest.skipUnless(os.path.exists(os.path.join(PACKAGE, "model.json")), "no speech-small package")
class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(PACKAGE, "model.json")) as f:
            cls.manifest = json.load(f)

    def test_manifest_and_files(self):
        from avstream_models.packaging import sha256
        m = self.manifest
        self.assertEqual((m["format"], m["name"], m["task"], m["activation"]), (1, "speech-small", "speech", "none"))
        for f, h in m["sha256"].items():
            self.assertEqual(sha256(os.path.join(PACKAGE, f)), h, f)
        with open(os.path.join(PACKAGE, "labels.txt")) as f:
            self.assertEqual(f.read().split("\n")[:-1], SYMBOLS)
        self.assertEqual([i["name"] for i in m["inputs"]], ["fbank", "fbank_len"])
        self.assertEqual(m["inputs"][0]["lengths"], "fbank_len")
        self.assertEqual([o["name"] for o in m["outputs"]], ["ctc_logits", "speaker_embedding", "emotion_logits"])
        self.assertEqual(m["postprocessing"]["emotion_labels"], EMOTIONS)
        self.assertEqual(m["postprocessing"]["ctc_blank_index"], 0)
        self.assertLess(os.path.getsize(os.path.join(PACKAGE, "model.onnx")), 16 * 2 ** 20)

    @unittest.skipUnless(os.path.exists(os.path.join(GOLDEN, "README.md")), "no golden vectors")
    def test_golden(self):
        pre = self.manifest["preprocessing"]
        for i in range(3):
            wave = np.fromfile(os.path.join(GOLDEN, f"wave_{i}.f32"), dtype="<f4")
            fb = np.fromfile(os.path.join(GOLDEN, f"fbank_{i}.f32"), dtype="<f4").reshape(-1, 80)
            t = fb.shape[0]
            self.assertEqual(t, 1 + (len(wave) - 400) // 160)
            ctc = np.fromfile(os.path.join(GOLDEN, f"ctc_logits_{i}.f32"), dtype="<f4").reshape(-1, 32)
            self.assertEqual(ctc.shape[0], output_frames(t))
            emb = np.fromfile(os.path.join(GOLDEN, f"speaker_embedding_{i}.f32"), dtype="<f4")
            self.assertEqual(emb.shape, (256,))
            self.assertAlmostEqual(float(np.linalg.norm(emb)), 1.0, places=5)
            self.assertEqual(np.fromfile(os.path.join(GOLDEN, f"emotion_logits_{i}.f32"), dtype="<f4").shape, (4,))
            if HAS_TORCHAUDIO:
                from avstream_models.speech_model import fbank
                x = (fbank(wave) - pre["normalisation_mean"]) / pre["normalisation_std"]
                np.testing.assert_allclose(x.numpy(), fb, atol=1e-4)
            if HAS_ORT:
                import onnxruntime as ort
                sess = ort.InferenceSession(os.path.join(PACKAGE, "model.onnx"), providers=["CPUExecutionProvider"])
                out = sess.run(None, {"fbank": fb[None], "fbank_len": np.array([t], dtype=np.int64)})
                np.testing.assert_allclose(out[0][0], ctc, atol=1e-4)
                np.testing.assert_allclose(out[1][0], emb, atol=1e-5)


if __name__ == "__main__":
    unittest.main()
