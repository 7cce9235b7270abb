"""Vocabulary-restricted CTC decoding (avstream_models/ctc_vocabulary.py): exact paths, misspellings pulled to the
vocabulary, double letters, and the decodings of the bundled model's golden CTC scores that the Java decoder must
give too (models/src/test/resources/golden/speech-small/vocabulary_decoding.json; --write rewrites it)."""
import json
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models.ctc_vocabulary import VocabularyDecoder  # noqa: E402
from avstream_models.speech_data import VOCABULARY  # noqa: E402
from avstream_models.speech_model import BLANK, SYMBOLS, greedy_decode  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN_DIR = os.path.join(ROOT, "models/src/test/resources/golden/speech-small")
EXPECTED = os.path.join(GOLDEN_DIR, "vocabulary_decoding.json")


def sharp(tokens: str) -> np.ndarray:
    """Log-probabilities with 0.99 on each frame's token ('_' the blank)."""
    x = np.full((len(tokens), len(SYMBOLS)), np.log(0.01 / (len(SYMBOLS) - 1)), dtype=np.float32)
    for t, c in enumerate(tokens):
        x[t, SYMBOLS.index("<s>" if c == "_" else c)] = np.log(0.99)
    return x


CASES = ["__TT_U_RRN_|_LL_O_FF_T___", "_HH_E_L_L_O|_H_E_LO__", "__", "_SEVEN_|NIINE__TWO_", "_GO_|GO_"]


def decode_all():
    d = VocabularyDecoder(VOCABULARY, SYMBOLS, BLANK)
    out = {"vocabulary": VOCABULARY, "cases": []}
    for tokens in CASES:
        text, words = d.decode(sharp(tokens), len(tokens))
        out["cases"].append({"tokens": tokens, "text": text, "words": [list(w) for w in words]})
    for i in range(3):
        f = np.fromfile(os.path.join(GOLDEN_DIR, f"ctc_logits_{i}.f32"), dtype="<f4").reshape(-1, len(SYMBOLS))
        text, words = d.decode(f, f.shape[0])
        out["cases"].append({"golden": f"ctc_logits_{i}.f32", "frames": f.shape[0], "greedy": greedy_decode(f),
                             "text": text, "words": [list(w) for w in words]})
    return out


class VocabularyDecodingTest(unittest.TestCase):
    def setUp(self):
        self.d = VocabularyDecoder(VOCABULARY, SYMBOLS, BLANK)

    def test_an_exact_path_keeps_its_words_and_frames(self):
        text, words = self.d.decode(sharp("__TT_U_RRN_|_LL_E_FF_T___"), 25)
        self.assertEqual(text, "turn left")
        self.assertEqual(words, [("turn", 2, 10), ("left", 13, 22)])

    def test_a_misspelt_word_becomes_the_likeliest_vocabulary_word(self):
        self.assertEqual(greedy_decode(sharp("__TT_U_RRN_|_LL_O_FF_T___")), "turn loft")
        self.assertEqual(self.d.decode(sharp("__TT_U_RRN_|_LL_O_FF_T___"), 25)[0], "turn left")

    def test_double_letters_need_a_blank_and_silence_is_no_word(self):
        self.assertEqual(self.d.decode(sharp("_HH_E_L_L_O__"), 13)[0], "hello")
        self.assertEqual(self.d.decode(sharp("______"), 6), ("", []))
        self.assertEqual(self.d.decode(sharp("_GO_|GO_"), 8)[0], "go go")

    def test_the_committed_expectations_are_this_decoders(self):
        with open(EXPECTED) as f:
            self.assertEqual(json.load(f), json.loads(json.dumps(decode_all())))


if __name__ == "__main__":
    if "--write" in sys.argv:
        with open(EXPECTED, "w") as f:
            json.dump(decode_all(), f, indent=1)
            f.write("\n")
        print("wrote", EXPECTED)
    else:
        unittest.main()
