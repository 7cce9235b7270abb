"""CTC decoding restricted to a vocabulary: the most likely path (Viterbi) through a loop of the vocabulary's words, in
the CTC topology (each symbol repeated, optional blanks between symbols, a blank required between two equal letters),
words separated by the word separator or by a blank. The Java decoder (operators: CtcDecoder.decodeVocabulary) is
the same algorithm; both are checked on the same scores (test_ctc_vocabulary.py, the Java CtcDecoderTest).

States: GAP (a blank between words; the start), SEP (the separator), and per word w of n letters, L(w, i) and B(w, i)
(letter i, and a blank after it), i < n. Per frame each state keeps its best log-score:
  GAP  <- GAP, SEP
  SEP  <- SEP, L(w, n-1), B(w, n-1) for every w
  L(w, 0)  <- L(w, 0), ENTRY                                   ENTRY = best of GAP, SEP and every B(w', n'-1)
  L(w, i)  <- L(w, i), B(w, i-1), L(w, i-1) when letters i-1 and i differ
  B(w, i)  <- B(w, i), L(w, i)
A path ends in GAP, SEP, or a word's last letter or blank. Ties go to the earlier candidate in the orders above, the
word order of the vocabulary, so that both languages decode alike.
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

import numpy as np

NEG = -1e30


class VocabularyDecoder:
    def __init__(self, vocabulary: Sequence[str], symbols: Sequence[str], blank: int, separator: str = "|"):
        self.words = [w.lower() for w in vocabulary]
        self.blank = blank
        self.sep = list(symbols).index(separator)
        index = {s.lower(): i for i, s in enumerate(symbols) if i not in (blank, self.sep)}
        self.letters: List[List[int]] = []
        for w in self.words:
            if not w or any(c not in index for c in w):
                raise ValueError(f"word '{w}' cannot be spelt with the model's symbols")
            self.letters.append([index[c] for c in w])

    def decode(self, log_probs: np.ndarray, frames: int) -> Tuple[str, List[Tuple[str, int, int]]]:
        """log_probs [T, C] (log-softmax); the first `frames` frames -> (text, [(word, first frame, end frame)])."""
        x = np.asarray(log_probs, dtype=np.float64)
        if frames < 0 or frames > x.shape[0]:
            raise ValueError(f"{frames} frames of scores with {x.shape[0]} frames")
        x = x[:frames]
        GAP, SEP = 0, 1
        # state layout: GAP, SEP, then per word its letters and blanks interleaved: L0 B0 L1 B1 ...
        base = []
        n = 2
        for ls in self.letters:
            base.append(n)
            n += 2 * len(ls)
        if frames == 0:
            return "", []
        score = np.full(n, NEG)
        back = np.zeros((frames, n), dtype=np.int64)
        sym = np.zeros(n, dtype=np.int64)
        sym[GAP] = self.blank
        sym[SEP] = self.sep
        for w, ls in enumerate(self.letters):
            for i, c in enumerate(ls):
                sym[base[w] + 2 * i] = c
                sym[base[w] + 2 * i + 1] = self.blank
        # frame 0: start in GAP, SEP is not a start (no leading separator), or in a word's first letter
        score[GAP] = x[0, self.blank]
        back[0, GAP] = GAP
        for w in range(len(self.letters)):
            s = base[w]
            score[s] = x[0, sym[s]]
            back[0, s] = GAP
        for t in range(1, frames):
            prev = score
            cur = np.full(n, NEG)
            bp = np.zeros(n, dtype=np.int64)
            # GAP <- GAP, SEP
            cand = [(prev[GAP], GAP), (prev[SEP], SEP)]
            v, b = max(cand, key=lambda p: p[0])
            cur[GAP], bp[GAP] = v, b
            # SEP <- SEP, word ends
            best_v, best_b = prev[SEP], SEP
            # ENTRY <- GAP, SEP, word-end blanks
            entry_v, entry_b = prev[GAP], GAP
            if prev[SEP] > entry_v:
                entry_v, entry_b = prev[SEP], SEP
            for w, ls in enumerate(self.letters):
                last_l = base[w] + 2 * (len(ls) - 1)
                last_b = last_l + 1
                if prev[last_l] > best_v:
                    best_v, best_b = prev[last_l], last_l
                if prev[last_b] > best_v:
                    best_v, best_b = prev[last_b], last_b
                if prev[last_b] > entry_v:
                    entry_v, entry_b = prev[last_b], last_b
            cur[SEP], bp[SEP] = best_v, best_b
            for w, ls in enumerate(self.letters):
                s = base[w]
                for i in range(len(ls)):
                    li = s + 2 * i
                    # letter i
                    v, b = prev[li], li
                    if i == 0:
                        if entry_v > v:
                            v, b = entry_v, entry_b
                    else:
                        if prev[li - 1] > v:
                            v, b = prev[li - 1], li - 1
                        if ls[i] != ls[i - 1] and prev[li - 2] > v:
                            v, b = prev[li - 2], li - 2
                    cur[li], bp[li] = v, b
                    # blank after letter i
                    v, b = prev[li + 1], li + 1
                    if prev[li] > v:
                        v, b = prev[li], li
                    cur[li + 1], bp[li + 1] = v, b
            cur = cur + x[t, sym]
            score = cur
            back[t] = bp
        # best final state
        finals = [GAP, SEP]
        for w, ls in enumerate(self.letters):
            last_l = base[w] + 2 * (len(ls) - 1)
            finals += [last_l, last_l + 1]
        end = max(finals, key=lambda s: (score[s], -finals.index(s)))
        path = [0] * frames
        s = end
        for t in range(frames - 1, -1, -1):
            path[t] = s
            s = back[t, s]
        # words: a word starts where the path enters its first letter from outside the word
        owner = np.full(n, -1)
        for w, ls in enumerate(self.letters):
            owner[base[w]:base[w] + 2 * len(ls)] = w
        words: List[Tuple[str, int, int]] = []
        t = 0
        while t < frames:
            s = path[t]
            w = owner[s]
            if w >= 0 and s == base[w] and (t == 0 or path[t - 1] != s):
                last_l = base[w] + 2 * (len(self.letters[w]) - 1)
                end_t = t
                u = t
                while u < frames and owner[path[u]] == w and not (u > t and path[u] == base[w] and path[u - 1] != base[w]):
                    if path[u] == last_l:
                        end_t = u + 1
                    u += 1
                words.append((self.words[w], t, end_t))
                t = u
                continue
            t += 1
        return " ".join(w for w, _, _ in words), words
