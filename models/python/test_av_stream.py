"""The job's rules over a long recording (avstream_models/av_stream.py): windows as AudioStream cuts them, frames as
the aligner pairs them, and the columns the event tracker judges, the same cases as the Java side's tests."""
import os
import sys
import unittest
from dataclasses import dataclass

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models import av_stream  # noqa: E402

COLUMN = av_stream.COLUMN_US


@dataclass
class W:
    """A window of columns (EventTrackerTest.window)."""
    start_col: int
    columns: int
    full: bool

    @property
    def start_us(self):
        return self.start_col * COLUMN

    @property
    def end_us(self):
        return (self.start_col + self.columns) * COLUMN


def probs(w: W, *high):
    p = np.full((w.columns, 1), 0.1, dtype=np.float32)
    for h in high:
        p[h - w.start_col, 0] = 0.9
    return p


class JudgedColumnsTest(unittest.TestCase):
    def test_with_a_lookahead_as_event_tracker_test(self):
        # EventTrackerTest.withALookaheadColumnsAreJudgedFromTheWindowThatSeesWhatFollowsThem
        ws = [W(0, 4, False), W(0, 6, False), W(0, 8, True), W(2, 8, True)]
        ps = [probs(ws[0]), probs(ws[1]), probs(ws[2], 0, 1, 2, 3, 4), probs(ws[3], 5, 6, 7, 8, 9)]
        starts, p = av_stream.judged_columns(ws, ps, 3 * COLUMN)
        self.assertEqual([s // COLUMN for s in starts], list(range(10)))
        self.assertTrue((p[:, 0] > 0.5).all())

    def test_without_a_lookahead_the_newest_columns(self):
        ws = [W(0, 4, False), W(0, 6, False), W(2, 8, True)]
        ps = [probs(ws[0], 0, 1, 2, 3), probs(ws[1], 4, 5), probs(ws[2], 6, 7, 8, 9)]
        starts, p = av_stream.judged_columns(ws, ps, 0)
        self.assertEqual([s // COLUMN for s in starts], list(range(10)))
        self.assertTrue((p[:, 0] > 0.5).all())


class WindowsTest(unittest.TestCase):
    def test_a_window_every_hop_from_the_first_and_one_at_the_end(self):
        ws = av_stream.windows(1234)
        self.assertEqual([(w.first, w.frames) for w in ws[:2]], [(0, 100), (0, 200)])
        self.assertEqual((ws[9].first, ws[9].frames, ws[9].full), (0, 1000, False))
        self.assertEqual((ws[10].first, ws[10].frames, ws[10].full), (76, 1024, True))
        self.assertEqual((ws[-1].first, ws[-1].frames), (1234 - 1024, 1024))
        self.assertEqual(ws[10].end_us - ws[10].start_us, 1023 * 10_000 + 25_000)

    def test_frames_nearest_to_the_slots_of_the_4_s_around_the_middle(self):
        w = av_stream.windows(1024)[-1]    # 0 .. 10.255 s, middle 5.1275 s
        times = [k * 500_000 for k in range(21)]
        self.assertEqual(av_stream.frames_for(w, times), [6, 7, 8, 9, 10, 11, 12, 13])
        self.assertIsNone(av_stream.frames_for(w, times[:12]))    # the last slots have no frame within 0.5 s


if __name__ == "__main__":
    unittest.main()
