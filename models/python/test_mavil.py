"""Tests of the MAViL audio branch / AudioMAE classifier implementation and its ONNX export.

    /usr/bin/python3 -m unittest discover -s models/python
"""
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import mavil  # noqa: E402
from avstream_models.checkpoints import ConversionError, check_compatible  # noqa: E402


def official_audiomae_keys(depth=12, d=768, classes=527):
    """The state_dict of AudioMAE's fine-tuned ViT-B (global pool), as its code defines it (MAVIL_NOTES.md)."""
    keys = {
        "cls_token": [1, 1, d], "pos_embed": [1, 513, d],
        "patch_embed.proj.weight": [d, 1, 16, 16], "patch_embed.proj.bias": [d],
        "fc_norm.weight": [d], "fc_norm.bias": [d], "head.weight": [classes, d], "head.bias": [classes],
    }
    for i in range(depth):
        p = f"blocks.{i}."
        keys.update({
            p + "norm1.weight": [d], p + "norm1.bias": [d],
            p + "attn.qkv.weight": [3 * d, d], p + "attn.qkv.bias": [3 * d],
            p + "attn.proj.weight": [d, d], p + "attn.proj.bias": [d],
            p + "norm2.weight": [d], p + "norm2.bias": [d],
            p + "mlp.fc1.weight": [4 * d, d], p + "mlp.fc1.bias": [4 * d],
            p + "mlp.fc2.weight": [d, 4 * d], p + "mlp.fc2.bias": [d],
        })
    return keys


class FullSizeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.model = mavil.AudioViT(mavil.full_config())

    def test_state_dict_has_the_official_names_and_shapes(self):
        sd = self.model.state_dict()
        want = official_audiomae_keys()
        self.assertEqual(set(sd), set(want))
        for k, shape in want.items():
            self.assertEqual(list(sd[k].shape), shape, k)

    def test_parameter_count_is_audiomae_vit_b(self):
        self.assertEqual(mavil.count_parameters(self.model), mavil.FULL_TRAINABLE_PARAMETERS)
        self.assertEqual(mavil.count_parameters(self.model, trainable_only=False), mavil.FULL_ALL_PARAMETERS)

    def test_a_checkpoint_with_other_names_is_refused_naming_them(self):
        sd = dict(self.model.state_dict())
        sd["blocks.0.attn.q.weight"] = sd.pop("blocks.0.attn.qkv.weight")
        sd["head.weight"] = torch.zeros(10, 768)
        with self.assertRaises(ConversionError) as cm:
            check_compatible(self.model, sd, "AudioMAE ViT-B")
        msg = str(cm.exception)
        self.assertIn("blocks.0.attn.qkv.weight", msg)
        self.assertIn("blocks.0.attn.q.weight", msg)
        self.assertIn("head.weight: checkpoint [10, 768] vs model [527, 768]", msg)


class ConverterTest(unittest.TestCase):
    def test_reads_an_audiomae_checkpoint_and_refuses_an_audio_visual_one(self):
        import convert_mavil
        from avstream_models.checkpoints import ConversionError as Refused
        torch.manual_seed(3)
        sd = mavil.AudioViT(mavil.full_config(num_classes=10)).state_dict()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ckpt.pth")
            torch.save({"model": sd, "epoch": 3}, path)
            model = convert_mavil.load_model(path)
            self.assertEqual(model.cfg.num_classes, 10)
            torch.testing.assert_close(model.state_dict()["blocks.11.mlp.fc2.weight"], sd["blocks.11.mlp.fc2.weight"])
            av = dict(sd)
            av["blocks_av.0.norm1.weight"] = torch.zeros(768)
            torch.save({"model": av}, path)
            with self.assertRaises(Refused) as cm:
                convert_mavil.load_model(path)
            self.assertIn("audio-visual checkpoint", str(cm.exception))
            del av["blocks_av.0.norm1.weight"]
            av["blocks.3.mlp.fc3.weight"] = av.pop("blocks.3.mlp.fc2.weight")
            torch.save(av, path)
            with self.assertRaises(Refused) as cm:
                convert_mavil.load_model(path)
            self.assertIn("missing keys (1)", str(cm.exception))
            self.assertIn("blocks.3.mlp.fc3.weight", str(cm.exception))

    def test_reads_audiosets_label_file(self):
        import convert_mavil
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "labels.csv")
            with open(path, "w") as f:
                f.write('index,mid,display_name\n0,/m/09x0r,"Speech"\n1,/m/05zppz,"Male speech, man speaking"\n')
            self.assertEqual(convert_mavil.read_labels(path)[1], (1, "/m/05zppz", "Male speech, man speaking"))


class PositionTableTest(unittest.TestCase):
    def test_audiomae_table_follows_its_documented_layout(self):
        table = mavil.audiomae_pos_embed(768, 64, 8)[0]
        self.assertEqual(list(table.shape), [513, 768])
        self.assertTrue(torch.all(table[0] == 0))
        for i in (0, 1, 63, 64, 200, 511):
            row = table[1 + i].double()
            for half, pos in ((0, i % 64), (1, i // 64)):
                for k in (0, 5, 191):
                    w = 1.0 / 10000 ** (k / 192)
                    self.assertAlmostEqual(row[half * 384 + k].item(), np.sin(pos * w), places=6)
                    self.assertAlmostEqual(row[half * 384 + 192 + k].item(), np.cos(pos * w), places=6)


class SmallModelTest(unittest.TestCase):
    def test_outputs_and_their_time_columns(self):
        torch.manual_seed(1)
        m = mavil.AudioViT(mavil.small_config(12)).eval()
        x = torch.randn(2, 1, 1024, 128)
        logits, frames = m(x)
        self.assertEqual(list(logits.shape), [2, 12])
        self.assertEqual(list(frames.shape), [2, 64, 12])
        # a column's output depends on the tokens of that column after the encoder
        tokens = m.tokens(x).reshape(2, 64, 8, -1)
        col = m.head(m.fc_norm(tokens[:, 10].mean(dim=1)))
        torch.testing.assert_close(frames[:, 10], col)
        torch.testing.assert_close(logits, m.head(m.fc_norm(tokens.reshape(2, 512, -1).mean(dim=1))))

    def test_onnx_export_has_a_dynamic_batch_and_the_named_tensors(self):
        import onnx
        torch.manual_seed(2)
        m = mavil.AudioViT(mavil.small_config(5)).eval()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            mavil.export_onnx(m, path)
            model = onnx.load(path)
            onnx.checker.check_model(model)
            names = [o.name for o in model.graph.output]
            self.assertEqual(names, ["logits", "frame_logits"])
            self.assertEqual(model.graph.input[0].name, "fbank")
            self.assertEqual(model.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "batch")
            dims = model.graph.output[1].type.tensor_type.shape.dim
            self.assertEqual(len(dims), 3)
            self.assertEqual(dims[2].dim_value, 5)


class PreprocessingTest(unittest.TestCase):
    def test_padding_and_normalisation(self):
        f = torch.full((10, 128), -4.2677393)
        p = mavil.pad_frames(f)
        self.assertEqual(list(p.shape), [1024, 128])
        n = mavil.normalise(p)
        self.assertAlmostEqual(n[0, 0].item(), 0.0, places=6)
        self.assertAlmostEqual(n[500, 0].item(), 4.2677393 / (2 * 4.5689974), places=6)
        self.assertEqual(list(mavil.pad_frames(torch.zeros(2000, 128)).shape), [1024, 128])


if __name__ == "__main__":
    unittest.main()
