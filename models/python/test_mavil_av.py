"""MAViL's audio-visual classifier (avstream_models/mavil_av.py): the official parameter names and shapes of
AV-SUPERB's models_vitmm.py with the fine-tuned head, the full-size parameter count, and the forward pass."""
import os
import sys
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import mavil, mavil_av  # noqa: E402


def block_keys(prefix: str, d: int):
    return {f"{prefix}.norm1.weight": [d], f"{prefix}.norm1.bias": [d],
            f"{prefix}.attn.qkv.weight": [3 * d, d], f"{prefix}.attn.qkv.bias": [3 * d],
            f"{prefix}.attn.proj.weight": [d, d], f"{prefix}.attn.proj.bias": [d],
            f"{prefix}.norm2.weight": [d], f"{prefix}.norm2.bias": [d],
            f"{prefix}.mlp.fc1.weight": [4 * d, d], f"{prefix}.mlp.fc1.bias": [4 * d],
            f"{prefix}.mlp.fc2.weight": [d, 4 * d], f"{prefix}.mlp.fc2.bias": [d]}


def official_keys():
    """The state_dict of the fine-tuned audio-visual model (ft=True, 3 fusion blocks), by AV-SUPERB's code."""
    d = 768
    keys = {"cls_token": [1, 1, d], "pos_embed": [1, 513, d], "patch_embed.proj.weight": [d, 1, 16, 16],
            "patch_embed.proj.bias": [d], "cls_token_v": [1, 1, d], "pos_embed_v": [1, 785, d],
            "patch_embed_v.proj.weight": [d, 3, 2, 16, 16], "patch_embed_v.proj.bias": [d],
            "fc_norm_av.weight": [2 * d], "fc_norm_av.bias": [2 * d], "head_av.weight": [527, 2 * d],
            "head_av.bias": [527]}
    for i in range(12):
        keys.update(block_keys(f"blocks.{i}", d))
        keys.update(block_keys(f"blocks_v.{i}", d))
    for i in range(3):
        keys.update(block_keys(f"blocks_av.{i}", d))
    return keys


class FullSizeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.model = mavil_av.AudioVisualMAViL(mavil_av.full_config())

    def test_state_dict_has_the_official_names_and_shapes(self):
        sd = self.model.state_dict()
        want = official_keys()
        self.assertEqual(sorted(set(sd) ^ set(want)), [])
        for k, shape in want.items():
            self.assertEqual(list(sd[k].shape), shape, k)

    def test_parameter_count(self):
        # 12 d^2 + 13 d per block; the audio and video embeddings, tables and the head
        self.assertEqual(mavil.count_parameters(self.model, trainable_only=False), 194_561_807)
        self.assertEqual(mavil.count_parameters(self.model), 194_561_807 - 513 * 768 - 785 * 768)

    def test_the_video_grid_is_four_by_fourteen_by_fourteen(self):
        cfg = mavil_av.full_config()
        self.assertEqual(cfg.video_grid, (4, 14, 14))
        self.assertEqual(cfg.video_tokens, 784)
        table = mavil_av.sincos_3d(768, 4, 14, 14)
        self.assertEqual(list(table.shape), [1, 785, 768])
        self.assertEqual(float(table[0, 0].abs().sum()), 0.0)
        self.assertEqual(len({tuple(r) for r in table[0, 1:].round(decimals=5).tolist()}), 784)


class ConverterTest(unittest.TestCase):
    def test_reads_an_official_audio_visual_checkpoint_and_names_what_does_not_fit(self):
        import tempfile
        import convert_mavil
        from avstream_models.checkpoints import ConversionError
        torch.manual_seed(4)
        sd = {k: torch.randn(shape) * 0.02 for k, shape in official_keys().items()}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "mavil_av_ft.pth")
            torch.save({"model": sd, "epoch": 9}, path)
            self.assertTrue(convert_mavil.is_audio_visual(path))
            model = convert_mavil.load_av_model(path)
            self.assertEqual(model.cfg.audio.num_classes, 527)
            torch.testing.assert_close(model.state_dict()["blocks_av.2.mlp.fc2.weight"], sd["blocks_av.2.mlp.fc2.weight"])
            torch.testing.assert_close(model.state_dict()["pos_embed_v"], sd["pos_embed_v"])
            bad = dict(sd)
            bad["patch_embed_v.proj.weight"] = torch.zeros(768, 3, 16, 16)    # a 2-D patch embedding: not MAViL's
            del bad["fc_norm_av.bias"]
            torch.save(bad, path)
            with self.assertRaises(ConversionError) as cm:
                convert_mavil.load_av_model(path)
            self.assertIn("fc_norm_av.bias", str(cm.exception))
            self.assertIn("patch_embed_v.proj.weight: checkpoint [768, 3, 16, 16] vs model [768, 3, 2, 16, 16]",
                          str(cm.exception))


class SmallForwardTest(unittest.TestCase):
    def test_logits_and_what_the_head_pools(self):
        torch.manual_seed(1)
        m = mavil_av.AudioVisualMAViL(mavil_av.small_config(10)).eval()
        fbank = torch.randn(2, 1, 1024, 128)
        video = torch.randn(2, 3, 8, 224, 224)
        with torch.no_grad():
            y, cols = m(fbank, video)
            self.assertEqual(list(y.shape), [2, 10])
            self.assertEqual(list(cols.shape), [2, 64, 10])
            # each sample on its own gives the same logits (no mixing across the batch)
            y0, cols0 = m(fbank[:1], video[:1])
            self.assertLess(float((y[0] - y0[0]).abs().max()), 1e-4)
            self.assertLess(float((cols[0] - cols0[0]).abs().max()), 1e-4)
            # the picture matters: another video changes the logits
            self.assertGreater(float((m(fbank, torch.randn(2, 3, 8, 224, 224))[0] - y).abs().max()), 1e-4)

    def test_the_small_video_grid(self):
        cfg = mavil_av.small_config(13)
        self.assertEqual(cfg.video_grid, (4, 7, 7))
        m = mavil_av.AudioVisualMAViL(cfg)
        self.assertEqual(len(m.blocks_v), 2)
        self.assertEqual(len(m.blocks_av), 1)
        self.assertEqual(list(m.pos_embed_v.shape), [1, 197, cfg.audio.embed_dim])

    def test_the_temporal_layer_starts_as_the_identity_and_sees_its_neighbours(self):
        torch.manual_seed(2)
        layer = mavil_av.Temporal(8, 9)
        x = torch.randn(2, 64, 8)
        self.assertLess(float((layer(x) - x).abs().max()), 1e-7)
        torch.nn.init.normal_(layer.pw.weight)
        y = layer(x)
        x2 = x.clone()
        x2[:, 30] += 1.0
        changed = (layer(x2) - y).abs().amax(dim=(0, 2)) > 1e-6
        # a column moves the 4 columns on each side of it, and no other
        self.assertEqual(changed.nonzero().flatten().tolist(), list(range(26, 35)))
        cfg = mavil_av.small_config(10)
        cfg.temporal_kernel = 9
        m = mavil_av.AudioVisualMAViL(cfg).eval()
        with torch.no_grad():
            _, cols = m(torch.randn(1, 1, 1024, 128), torch.randn(1, 3, 8, 224, 224))
        self.assertEqual(list(cols.shape), [1, 64, 10])

    def test_with_frame_video_each_column_sees_the_video_of_its_time(self):
        cfg = mavil_av.small_config(10)
        cfg.frame_video = True
        w = mavil_av.column_video_weights(cfg)
        self.assertEqual(list(w.shape), [64, 4])
        self.assertLess(float((w.sum(dim=1) - 1).abs().max()), 1e-6)
        # the 4 s of video centred in the 10.24 s input: frames every 0.5 s from 3.12 s, two per tubelet time, each
        # standing for the quarter second around it; column k covers [0.16 k, 0.16 (k + 1)) s
        self.assertEqual(int(w[23].argmax()), 0)      # 3.68-3.84 s: frames 3.12 and 3.62
        self.assertEqual(int(w[25].argmax()), 1)      # 4.00-4.16 s: frames 4.12 and 4.62
        self.assertEqual(int(w[31].argmax()), 2)      # 4.96-5.12 s (the middle): frames 5.12 and 5.62
        self.assertEqual(int(w[0].argmax()), 0)       # before the video: its first second
        self.assertEqual(int(w[63].argmax()), 3)      # after it: its last
        torch.manual_seed(3)
        m = mavil_av.AudioVisualMAViL(cfg).eval()
        self.assertEqual(set(m.state_dict()), set(mavil_av.AudioVisualMAViL(mavil_av.small_config(10)).state_dict()))
        fbank, video = torch.randn(1, 1, 1024, 128), torch.randn(1, 3, 8, 224, 224)
        later = video.clone()
        later[:, :, 6:] = torch.randn(1, 3, 2, 224, 224)    # only the last second of the video changes
        with torch.no_grad():
            _, cols = m(fbank, video)
            _, cols2 = m(fbank, later)
        moved = (cols2 - cols).abs().amax(dim=(0, 2))
        # every column moves through the fusion, but those that see the last second move most
        self.assertGreater(float(moved[45:].min()), float(moved[:20].max()))


if __name__ == "__main__":
    unittest.main()
