package io.avstream.operators.speech;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Greedy CTC decoding with word times, as AV-SUPERB's recogniser is decoded: per frame the most likely symbol,
 * repeats collapsed, blanks dropped, the word separator turned into a space. Beyond the text, each word's start and
 * end: from the first frame of its first symbol to the end of the frame of its last one (the CTC alignment). Special
 * symbols ({@code <pad>}, {@code </s>}, {@code <unk>}) are dropped. Plain code, thread-safe.
 */
public final class CtcDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One recognised word and where it lies, in output frames {@code [firstFrame, endFrame)}. */
    public record Word(String text, int firstFrame, int endFrame) {}

    /** The words of a segment, in order; the text is the words joined by spaces. */
    public record Transcript(List<Word> words) {
        public String text() {
            StringBuilder b = new StringBuilder();
            for (Word w : words) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(w.text());
            }
            return b.toString();
        }
    }

    private final String[] symbols;
    private final int blank;
    private final int separator;

    /**
     * @param symbols   the model's output symbols in index order
     * @param blank     the blank's index
     * @param separator the word separator symbol, e.g. {@code |}
     * @throws IllegalArgumentException when the blank is out of range or the separator is not a symbol
     */
    public CtcDecoder(List<String> symbols, int blank, String separator) {
        this.symbols = symbols.toArray(new String[0]);
        if (blank < 0 || blank >= this.symbols.length) {
            throw new IllegalArgumentException("blank index " + blank + " is outside the " + this.symbols.length + " symbols");
        }
        this.blank = blank;
        this.separator = symbols.indexOf(separator);
        if (this.separator < 0) {
            throw new IllegalArgumentException("the word separator '" + separator + "' is not one of the symbols " + symbols);
        }
    }

    /** Symbols per frame. */
    public int size() {
        return symbols.length;
    }

    /**
     * Decodes the first {@code frames} frames of {@code logits} ({@code frames x size()} scores, frame-major; logits or
     * log-probabilities alike).
     */
    public Transcript decode(float[] logits, int frames) {
        int v = symbols.length;
        if (frames < 0 || (long) frames * v > logits.length) {
            throw new IllegalArgumentException(frames + " frames of " + v + " symbols do not fit " + logits.length + " scores");
        }
        List<Word> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int first = -1;
        int end = -1;
        int previous = -1;
        for (int t = 0; t < frames; t++) {
            int best = 0;
            float max = logits[t * v];
            for (int k = 1; k < v; k++) {
                float x = logits[t * v + k];
                if (x > max) {
                    max = x;
                    best = k;
                }
            }
            if (best == previous) {
                if (best != blank && best != separator && word.length() > 0) {
                    end = t + 1; // the symbol goes on
                }
                continue;
            }
            previous = best;
            if (best == blank) {
                continue;
            }
            if (best == separator) {
                flush(words, word, first, end);
                first = -1;
                continue;
            }
            String s = symbols[best];
            if (s.startsWith("<") && s.endsWith(">")) {
                continue;
            }
            if (first < 0) {
                first = t;
            }
            word.append(s.toLowerCase(Locale.ROOT));
            end = t + 1;
        }
        flush(words, word, first, end);
        return new Transcript(words);
    }

    private static void flush(List<Word> words, StringBuilder word, int first, int end) {
        if (word.length() > 0) {
            words.add(new Word(word.toString(), first, end));
            word.setLength(0);
        }
    }
}
