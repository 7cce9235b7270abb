"""The audio-visual clips (avstream_models/av_data.py): the frames MAViL takes, the pictures (each source kind drawn
while it sounds, the same picture from the same seed), the capture path's JPEG, and faint events in view."""
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import av_data  # noqa: E402
from avstream_models.audio_events_data import Event  # noqa: E402


class FramesTest(unittest.TestCase):
    def test_eight_frames_at_two_per_second_around_the_centre(self):
        self.assertEqual(av_data.frame_times(5.12), [3.12, 3.62, 4.12, 4.62, 5.12, 5.62, 6.12, 6.62])

    def test_an_object_is_drawn_while_its_event_sounds_and_only_then(self):
        scene = av_data.Scene(np.array([40.0, 40, 40]), np.array([40.0, 40, 40]), [])
        events = [Event("telephone", 1.0, 2.0)]
        sighting = av_data.Sighting(160, 120, 0, 0, 30, False)
        before = av_data.render(scene, events, [sighting], 0.5)
        during = av_data.render(scene, events, [sighting], 1.5)
        self.assertLessEqual(int(np.abs(before.astype(int) - 40).max()), 1)    # the background, truncated to bytes
        self.assertEqual(tuple(during[120, 160]), av_data.OBJECTS["telephone"][1])
        hidden = av_data.render(scene, events, [av_data.Sighting(160, 120, 0, 0, 30, True)], 1.5)
        self.assertLessEqual(int(np.abs(hidden.astype(int) - 40).max()), 1)

    def test_every_kind_has_its_own_object(self):
        self.assertEqual(len(set(av_data.OBJECTS.values())), len(av_data.OBJECTS))

    def test_the_same_seed_gives_the_same_pictures_and_jpeg_keeps_them(self):
        def frames(seed):
            rng = np.random.default_rng(seed)
            scene = av_data.new_scene(rng)
            events = [Event(k, 0.0, 10.0) for k in ("siren", "ticktock", "piano")]
            return [av_data.render(scene, events, [av_data.new_sighting(rng, False) for _ in events], t) for t in (1, 2)]
        a, b = frames(11), frames(11)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        self.assertFalse(np.array_equal(frames(12)[0], a[0]))
        decoded = av_data.decode_jpeg(av_data.jpeg(a[0]))
        self.assertEqual(decoded.shape, (av_data.HEIGHT, av_data.WIDTH, 3))
        self.assertLess(float(np.abs(decoded.astype(float) - a[0]).mean()), 3.0)



class BanksTest(unittest.TestCase):
    """The training sources rendered once and carried to a machine without the renderers, whole or in parts."""

    @staticmethod
    def fake_bank(kind, count, seed, held_out):
        # rendering i depends on i alone, as a real bank's (see the next test)
        return [np.sin(np.arange(40 + 7 * i, dtype=np.float32) * 0.05 * (i + 1 + len(kind))) * 0.9
                for i in range(count)]

    def test_parts_read_back_as_the_whole_bank(self):
        import tempfile
        from unittest import mock
        with tempfile.TemporaryDirectory() as d, mock.patch.object(av_data, "source_bank", self.fake_bank):
            whole, a, b = (os.path.join(d, n) for n in ("whole.npz", "a.npz", "b.npz"))
            av_data.save_banks(whole, 23, 3, ["train"])
            av_data.save_banks(a, 23, 1, ["train"])
            av_data.save_banks(b, 23, 3, ["train"], first=1)
            from_whole = av_data.split_banks(23, 3, "train", whole)
            from_parts = av_data.split_banks(23, 3, "train", f"{a},{b}")
            self.assertEqual(set(from_whole), set(from_parts))
            for k, xs in from_whole.items():
                self.assertEqual(len(xs), 3)
                for x, y, z in zip(xs, from_parts[k], self.fake_bank(k, 3, 23, False)):
                    np.testing.assert_array_equal(x, y)
                    np.testing.assert_allclose(x, z, atol=1 / 32767)
            # a file without the split: the split is rendered
            self.assertEqual(len(av_data.split_banks(23, 2, "val", whole)["speech"]), 2)

    def test_a_kinds_first_renderings_do_not_depend_on_how_many_follow(self):
        from avstream_models.audio_events_data import source_bank
        for x, y in zip(source_bank("siren", 3, 7, True), source_bank("siren", 2, 7, True)):
            np.testing.assert_array_equal(x, y)


if __name__ == "__main__":
    unittest.main()
