"""Tests of the STMT implementation, its ONNX export and the checkpoint converter.

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

import convert_stmt  # noqa: E402
import export_stmt  # noqa: E402
from avstream_models import packaging  # noqa: E402
from avstream_models.stmt import STMT, farthest_point_sample, full_config, small_config  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))


def read_official_list():
    entries = []
    with open(os.path.join(HERE, "official_param_names.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, shape = line.split("\t")
            entries.append((name, json.loads(shape)))
    return entries


def reference_fps(xyz: np.ndarray, npoint: int) -> list:
    """Plain farthest point sampling from index 0, for one cloud [N, 3]."""
    chosen = [0]
    dist = np.full(len(xyz), np.inf)
    for _ in range(npoint - 1):
        dist = np.minimum(dist, ((xyz - xyz[chosen[-1]]) ** 2).sum(-1))
        chosen.append(int(np.argmax(dist)))
    return chosen


class StateDictTest(unittest.TestCase):
    def test_full_state_dict_matches_published_names_and_shapes(self):
        expected = read_official_list()
        ours = [(k, list(v.shape)) for k, v in STMT(full_config()).state_dict().items()]
        self.assertEqual(len(expected), 283)
        self.assertEqual([n for n, _ in ours], [n for n, _ in expected])
        self.assertEqual(ours, expected)

    def test_small_preset_keeps_the_names(self):
        full = set(STMT(full_config()).state_dict())
        small = set(STMT(small_config()).state_dict())
        self.assertTrue(small <= full)   # fewer transformer layers, otherwise the same names
        self.assertEqual({k for k in full - small if not k.startswith("transformer.layers.")}, set())

    def test_query_and_key_share_their_weight(self):
        sa = STMT(small_config()).geo.pt_last.sa1
        self.assertIs(sa.q_conv.weight, sa.k_conv.weight)


class FpsTest(unittest.TestCase):
    def test_deterministic_and_starts_at_zero(self):
        g = torch.Generator().manual_seed(3)
        xyz = torch.rand(6, 128, 3, generator=g)
        a = farthest_point_sample(xyz, 64)
        b = farthest_point_sample(xyz.clone(), 64)
        self.assertTrue(torch.equal(a, b))
        self.assertTrue(torch.all(a[:, 0] == 0))
        for i in range(xyz.shape[0]):
            self.assertEqual(a[i].tolist(), reference_fps(xyz[i].double().numpy(), 64))
            self.assertEqual(len(set(a[i].tolist())), 64)

    def test_independent_of_batch_composition(self):
        g = torch.Generator().manual_seed(4)
        xyz = torch.rand(5, 128, 3, generator=g)
        together = farthest_point_sample(xyz, 32)
        for i in range(5):
            self.assertTrue(torch.equal(together[i:i + 1], farthest_point_sample(xyz[i:i + 1], 32)))

    def test_model_is_deterministic(self):
        model = export_stmt.build(small_config())
        p, _, g = export_stmt.golden_inputs(batch=2)
        with torch.no_grad():
            self.assertTrue(torch.equal(model(p, g), model(p, g)))


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = export_stmt.build(small_config(num_classes=8))
        cls.tmp = tempfile.TemporaryDirectory()
        cls.onnx_path = os.path.join(cls.tmp.name, "model.onnx")
        packaging.export_onnx(cls.model, cls.onnx_path)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_onnx_valid_with_symbolic_batch(self):
        import onnx
        packaging.check_onnx(self.onnx_path)
        m = onnx.load(self.onnx_path)
        self.assertEqual([i.name for i in m.graph.input], ["points", "geodist"])
        self.assertEqual([o.name for o in m.graph.output], ["logits"])
        self.assertEqual(m.opset_import[0].version, 17)

    def test_geodist_is_one_shared_input_expanded_in_the_graph(self):
        import onnx
        m = onnx.load(self.onnx_path)
        geod = next(i for i in m.graph.input if i.name == "geodist")
        self.assertEqual([d.dim_value for d in geod.type.tensor_type.shape.dim], [24, 128, 128])
        expand = [n for n in m.graph.node if n.op_type == "Expand" and n.input[0] == "geodist_1"]
        self.assertEqual(len(expand), 1)
        self.assertFalse(any("geodist" in n.input for n in m.graph.node if n.op_type not in ("Unsqueeze",)))
        before = len(m.graph.node)
        packaging.share_geodist(self.onnx_path)  # idempotent
        self.assertEqual(len(onnx.load(self.onnx_path).graph.node), before)

    def test_no_constant_reshape_fixes_the_batch(self):
        import onnx
        from onnx import numpy_helper
        m = onnx.load(self.onnx_path)
        consts = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
        for n in m.graph.node:
            if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
                consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        for n in m.graph.node:
            if n.op_type == "Reshape" and n.input[1] in consts:
                self.assertEqual(int(consts[n.input[1]].reshape(-1)[0]), -1, n.name)

    def test_batch_axis_dynamic_in_traced_graph(self):
        # The exporter records the same trace: a trace made at batch 2 must run at 1 and 5.
        p, _, g = export_stmt.golden_inputs(batch=5)
        with torch.no_grad():
            traced = torch.jit.trace(self.model, (p[:2], g[:2]), check_trace=False)
            eager = self.model(p, g)
            for b in (1, 2, 5):
                np.testing.assert_allclose(traced(p[:b], g[:b]).numpy(), eager[:b].numpy(), atol=1e-5)

    def test_onnx_runtime_if_available(self):
        try:
            import onnxruntime as ort
        except ImportError:
            self.skipTest("onnxruntime not installed (the Java side runs it)")
        s = ort.InferenceSession(self.onnx_path, providers=["CPUExecutionProvider"])
        p, _, g = export_stmt.golden_inputs(batch=5)
        g = g[:1].expand_as(g).contiguous()  # the graph's geodist is shared by the batch
        with torch.no_grad():
            eager = self.model(p, g).numpy()
        for b in (1, 2, 5):
            out = s.run(["logits"], {"points": p[:b].numpy(), "geodist": g[0].numpy()})[0]
            np.testing.assert_allclose(out, eager[:b], atol=1e-4)

    def test_windows_independent_of_batch(self):
        p, _, g = export_stmt.golden_inputs(batch=3)
        with torch.no_grad():
            together = self.model(p, g)
            for i in range(3):
                np.testing.assert_allclose(self.model(p[i:i + 1], g[i:i + 1]).numpy(),
                                           together[i:i + 1].numpy(), atol=1e-5)


class PackageTest(unittest.TestCase):
    PKG = os.path.join(REPO, "models", "packages", "stmt-small")
    GOLDEN = os.path.join(REPO, "models", "src", "test", "resources", "golden", "stmt-small")

    def test_manifest_and_checksums(self):
        with open(os.path.join(self.PKG, "model.json")) as f:
            man = json.load(f)
        self.assertEqual(man["architecture"], "STMT")
        self.assertEqual(man["inputs"][1]["shape"], [24, 128, 128])
        self.assertTrue(man["inputs"][1]["shared"])
        self.assertEqual(man["outputs"][0]["shape"], [-1, 8])
        for name in ("model.onnx", "labels.txt"):
            self.assertEqual(man["sha256"][name], packaging.sha256(os.path.join(self.PKG, name)))
        with open(os.path.join(self.PKG, "labels.txt")) as f:
            self.assertEqual(f.read().split("\n")[:-1], export_stmt.LABELS)
        self.assertLess(os.path.getsize(os.path.join(self.PKG, "model.onnx")), 5 * 1024 * 1024)

    def test_golden_logits_reproduce(self):
        pts = np.fromfile(os.path.join(self.GOLDEN, "points.f32"), "<f4").reshape(3, 24, 128, 3)
        gf = np.fromfile(os.path.join(self.GOLDEN, "geodist_frame.f32"), "<f4").reshape(3, 128, 128)
        logits = np.fromfile(os.path.join(self.GOLDEN, "logits.f32"), "<f4").reshape(3, 8)
        geod = np.broadcast_to(gf[:, None], (3, 24, 128, 128)).copy()
        self.assertTrue(np.allclose(gf, gf.transpose(0, 2, 1)) and (gf >= 0).all())
        self.assertTrue((np.diagonal(gf, axis1=1, axis2=2) == 0).all())
        with open(os.path.join(self.PKG, "model.json")) as f:
            kind = json.load(f)["weights"]["kind"]
        if kind == "untrained":
            model = export_stmt.build(small_config(num_classes=8))
        else:
            state = os.environ.get("AVSTREAM_STMT_STATE")
            if not state:
                self.skipTest(f"stmt-small holds {kind} weights whose state_dict is not in the repository; set "
                              "AVSTREAM_STMT_STATE=STATE.pt to check the golden logits against it (the Java "
                              "StmtSmallPackageTest checks them against model.onnx)")
            model = STMT(small_config(num_classes=8))
            model.load_state_dict(torch.load(state, map_location="cpu"))
            model.eval()
        with torch.no_grad():
            out = model(torch.from_numpy(pts), torch.from_numpy(geod)).numpy()
        np.testing.assert_allclose(out, logits, atol=1e-5)


class ConverterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(1)
        cls.sd = STMT(full_config()).state_dict()
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def save(self, obj, name):
        path = os.path.join(self.tmp.name, name)
        torch.save(obj, path)
        return path

    def test_wrapped_and_prefixed_checkpoint_loads(self):
        path = self.save({"epoch": 3, "state_dict": {"module." + k: v for k, v in self.sd.items()}}, "a.pth")
        model = convert_stmt.load_model(path)
        self.assertEqual(model.cfg.num_classes, 56)
        for k, v in model.state_dict().items():
            self.assertTrue(torch.equal(v, self.sd[k]), k)

    def test_mismatches_are_listed(self):
        bad = dict(self.sd)
        del bad["geo.conv1.weight"]
        bad["extra.weight"] = torch.zeros(1)
        bad["transformer.layers.0.1.fn.fn.net.0.weight"] = torch.zeros(256, 1024)
        path = self.save({"model_state_dict": bad}, "b.pth")
        with self.assertRaises(convert_stmt.ConversionError) as cm:
            convert_stmt.load_model(path)
        msg = str(cm.exception)
        for part in ("missing keys (1)", "geo.conv1.weight", "unexpected keys (1)", "extra.weight",
                     "shape mismatches (1)", "net.0.weight: checkpoint [256, 1024] vs model [512, 1024]"):
            self.assertIn(part, msg)

    def test_default_labels(self):
        labels = convert_stmt.default_labels(56)
        self.assertEqual(len(labels), 56)
        self.assertNotIn("kit_30", labels)
        self.assertEqual(labels[30], "kit_31")


if __name__ == "__main__":
    unittest.main()
