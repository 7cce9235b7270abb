"""Audio events from per-column scores, the way the job finds them (``AudioEventTracker`` in Java does the same):
per class, hysteresis on the column probabilities (an event starts at the first column at or above the class's
enter threshold and ends before the first column below its exit threshold), a minimum duration, and gaps shorter
than a bound between two events of a class merged. Also the metrics: average precision per class, and event-level
precision and recall with onset and offset tolerances."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np


@dataclass
class Detected:
    cls: int
    onset: float
    offset: float
    peak: float


def track(probs: np.ndarray, times: Sequence[float], column_seconds: float, enter: Sequence[float],
          exit_: Sequence[float], min_duration: float, merge_gap: float) -> List[Detected]:
    """Events in columns [T, C] of probabilities, column t starting at times[t] and lasting column_seconds."""
    out: List[Detected] = []
    t_count, classes = probs.shape
    for c in range(classes):
        active = False
        onset = peak = 0.0
        found: List[Detected] = []
        for t in range(t_count):
            p = float(probs[t, c])
            if not active and p >= enter[c]:
                active, onset, peak = True, float(times[t]), p
            elif active:
                peak = max(peak, p)
                if p < exit_[c]:
                    found.append(Detected(c, onset, float(times[t]), peak))
                    active = False
        if active:
            found.append(Detected(c, onset, float(times[-1]) + column_seconds, peak))
        merged: List[Detected] = []
        for e in found:
            if merged and e.onset - merged[-1].offset <= merge_gap:
                merged[-1].offset = e.offset
                merged[-1].peak = max(merged[-1].peak, e.peak)
            else:
                merged.append(e)
        out.extend(e for e in merged if e.offset - e.onset >= min_duration)
    return sorted(out, key=lambda e: (e.onset, e.cls))


def calibrate_thresholds(items: Sequence[Tuple[Sequence[float], np.ndarray]],
                         truths: Sequence[Sequence[Tuple[int, float, float]]], classes: int, column_seconds: float,
                         min_duration: float, merge_gap: float, tolerance: float, enters: Sequence[float],
                         ratios: Sequence[float]) -> Tuple[List[float], List[float], List[Tuple[int, int, int]]]:
    """Per class, the enter threshold (from ``enters``) and exit threshold (enter times one of ``ratios``) whose events
    score the best F1 over the items (column start times and probabilities [T, C]) against their truths (class,
    onset, offset); the first best on a tie. Returns enter, exit (rounded to 3 places) and each class's best
    (true positives, detections, truths)."""
    enter, exit_, counts = [0.5] * classes, [0.35] * classes, [(0, 0, 0)] * classes
    for c in range(classes):
        best_f = -1.0
        for en in enters:
            for ratio in ratios:
                tp = det = tru = 0
                for (times, probs), truth in zip(items, truths):
                    # this class alone: its column probabilities, its detections, its truths
                    d = track(probs[:, c:c + 1], times, column_seconds, [en], [en * ratio], min_duration, merge_gap)
                    a, b, n = match_events([(0, x.onset, x.offset) for x in d],
                                           [(0, on, off) for k, on, off in truth if k == c], tolerance)
                    tp, det, tru = tp + a, det + b, tru + n
                p = tp / det if det else 0
                r = tp / tru if tru else 0
                f = 2 * p * r / (p + r) if p + r > 0 else 0
                if f > best_f:
                    best_f, enter[c], exit_[c], counts[c] = f, en, round(en * ratio, 3), (tp, det, tru)
    return enter, exit_, counts


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """AP of one class: mean of the precision at each positive, ranked by score (NaN without positives)."""
    positives = labels.sum()
    if positives == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] > 0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].sum() / positives)


def mean_average_precision(scores: np.ndarray, labels: np.ndarray) -> Tuple[float, List[float]]:
    aps = [average_precision(scores[:, c], labels[:, c]) for c in range(labels.shape[1])]
    valid = [a for a in aps if not np.isnan(a)]
    return float(np.mean(valid)) if valid else float("nan"), aps


def match_events(detected: List[Tuple[int, float, float]], truth: List[Tuple[int, float, float]],
                 tolerance: float) -> Tuple[int, int, int]:
    """(true positives, detections, truths): a detection matches an unmatched truth of its class whose onset and
    offset are both within the tolerance."""
    used = [False] * len(truth)
    tp = 0
    for c, on, off in detected:
        for i, (tc, ton, toff) in enumerate(truth):
            if not used[i] and tc == c and abs(on - ton) <= tolerance and abs(off - toff) <= tolerance:
                used[i] = True
                tp += 1
                break
    return tp, len(detected), len(truth)


def precision_recall(counts: Sequence[Tuple[int, int, int]]) -> Dict[str, float]:
    tp = sum(c[0] for c in counts)
    det = sum(c[1] for c in counts)
    tru = sum(c[2] for c in counts)
    p = tp / det if det else float("nan")
    r = tp / tru if tru else float("nan")
    f = 2 * p * r / (p + r) if det and tru and (p + r) > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f, "true_positives": tp, "detections": det, "truths": tru}
