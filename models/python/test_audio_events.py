"""Tests of the audio-event helpers: event tracking from column scores, AP, event matching, clip targets.

    /usr/bin/python3 -m unittest discover -s models/python
"""
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import events as ev  # noqa: E402
from avstream_models.audio_events_data import INDEX, Clip, Event, clip_targets, midi_file  # noqa: E402


class TrackTest(unittest.TestCase):
    def test_hysteresis_min_duration_and_merging(self):
        p = np.array([0.1, 0.6, 0.45, 0.45, 0.2, 0.1, 0.55, 0.1, 0.1, 0.9, 0.2, 0.7, 0.2], dtype=np.float32)[:, None]
        times = [0.16 * k for k in range(len(p))]
        got = ev.track(p, times, 0.16, enter=[0.5], exit_=[0.4], min_duration=0.3, merge_gap=0.17)
        # 1..3 (exit at 4); 6 alone is too short; 9 and 11 merge across the one-column gap
        self.assertEqual([(round(e.onset, 2), round(e.offset, 2)) for e in got], [(0.16, 0.64), (1.44, 1.92)])
        self.assertAlmostEqual(got[1].peak, 0.9, places=6)

    def test_an_event_open_at_the_end_closes_there(self):
        p = np.array([0.1, 0.8, 0.9], dtype=np.float32)[:, None]
        got = ev.track(p, [0, 0.16, 0.32], 0.16, [0.5], [0.3], 0.0, 0.0)
        self.assertEqual(len(got), 1)
        self.assertAlmostEqual(got[0].offset, 0.48, places=6)


class MetricsTest(unittest.TestCase):
    def test_average_precision(self):
        self.assertAlmostEqual(ev.average_precision(np.array([0.9, 0.8, 0.7]), np.array([1, 0, 1])), (1 + 2 / 3) / 2)
        self.assertTrue(np.isnan(ev.average_precision(np.array([0.1]), np.array([0]))))

    def test_matching_needs_class_onset_and_offset_within_the_tolerance(self):
        truth = [(0, 1.0, 3.0), (1, 2.0, 4.0)]
        self.assertEqual(ev.match_events([(0, 1.4, 2.6), (1, 2.0, 4.6), (0, 1.1, 3.1)], truth, 0.5), (1, 3, 2))
        pr = ev.precision_recall([(1, 3, 2), (2, 2, 2)])
        self.assertAlmostEqual(pr["precision"], 0.6)
        self.assertAlmostEqual(pr["recall"], 0.75)


class DataTest(unittest.TestCase):
    def test_column_targets_need_half_a_column(self):
        clip = Clip(np.zeros(10), [Event("siren", 1.0, 1.5), Event("piano", 0.0, 0.07)])
        clip_y, frame_y = clip_targets(clip)
        s = INDEX["Siren"]
        self.assertEqual(clip_y[s], 1)
        self.assertEqual(np.nonzero(frame_y[:, s])[0].tolist(), [6, 7, 8])
        self.assertEqual(clip_y[INDEX["Music"]], 1)
        self.assertEqual(frame_y[:, INDEX["Piano"]].sum(), 0)  # 70 ms: less than half a column

    def test_midi_file_is_a_standard_midi_file(self):
        m = midi_file([(0.0, 0.5, 60, 100), (0.5, 0.5, 64, 90)], program=40)
        self.assertEqual(m[:4], b"MThd")
        self.assertIn(b"MTrk", m)
        self.assertIn(bytes([0xC0, 40]), m)
        self.assertTrue(m.endswith(b"\x00\xff\x2f\x00"))


if __name__ == "__main__":
    unittest.main()
