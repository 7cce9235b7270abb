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
 *
 * <p>With a vocabulary, {@link #decodeVocabulary} gives the most likely path (Viterbi) through a loop of the
 * vocabulary's words instead: the CTC topology per word (each letter repeated, optional blanks between letters, a blank
 * required between two equal letters), words separated by the word separator or by a blank, so that every word is one
 * of the vocabulary's; word times from the path as above. It is {@code models/python/avstream_models/ctc_vocabulary.py}
 * step for step (the same states, transitions and ties).
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
    private final String[] words;
    private final int[][] letters;
    /** The word loop's states (see {@link #decodeVocabulary}): first state of each word, symbol and word of each. */
    private final int[] base;
    private final int[] sym;
    private final int[] owner;
    private static final int GAP = 0;
    private static final int SEP = 1;

    /**
     * @param symbols   the model's output symbols in index order
     * @param blank     the blank's index
     * @param separator the word separator symbol, e.g. {@code |}
     * @throws IllegalArgumentException when the blank is out of range or the separator is not a symbol
     */
    public CtcDecoder(List<String> symbols, int blank, String separator) {
        this(symbols, blank, separator, List.of());
    }

    /**
     * @param vocabulary the words {@link #decodeVocabulary} may give (empty: none)
     * @throws IllegalArgumentException also when a word cannot be spelt with the symbols
     */
    public CtcDecoder(List<String> symbols, int blank, String separator, List<String> vocabulary) {
        this.symbols = symbols.toArray(new String[0]);
        if (blank < 0 || blank >= this.symbols.length) {
            throw new IllegalArgumentException("blank index " + blank + " is outside the " + this.symbols.length + " symbols");
        }
        this.blank = blank;
        this.separator = symbols.indexOf(separator);
        if (this.separator < 0) {
            throw new IllegalArgumentException("the word separator '" + separator + "' is not one of the symbols " + symbols);
        }
        this.words = new String[vocabulary.size()];
        this.letters = new int[vocabulary.size()][];
        for (int w = 0; w < words.length; w++) {
            String word = vocabulary.get(w).toLowerCase(Locale.ROOT);
            int[] ls = new int[word.length()];
            for (int i = 0; i < ls.length; i++) {
                ls[i] = indexOf(String.valueOf(word.charAt(i)));
                if (ls[i] < 0 || ls[i] == this.blank || ls[i] == this.separator) {
                    throw new IllegalArgumentException("the vocabulary's word '" + word + "' cannot be spelt with the symbols");
                }
            }
            if (ls.length == 0) {
                throw new IllegalArgumentException("the vocabulary has an empty word");
            }
            words[w] = word;
            letters[w] = ls;
        }
        // the word loop's states: GAP, SEP, then per word its letters and the blanks after them, interleaved
        this.base = new int[words.length];
        int n = 2;
        for (int w = 0; w < words.length; w++) {
            base[w] = n;
            n += 2 * letters[w].length;
        }
        this.sym = new int[n];
        this.owner = new int[n];
        java.util.Arrays.fill(owner, -1);
        sym[GAP] = this.blank;
        sym[SEP] = this.separator;
        for (int w = 0; w < words.length; w++) {
            for (int i = 0; i < letters[w].length; i++) {
                sym[base[w] + 2 * i] = letters[w][i];
                sym[base[w] + 2 * i + 1] = this.blank;
                owner[base[w] + 2 * i] = w;
                owner[base[w] + 2 * i + 1] = w;
            }
        }
    }

    private int indexOf(String letter) {
        for (int i = 0; i < symbols.length; i++) {
            if (symbols[i].equalsIgnoreCase(letter)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a vocabulary was given ({@link #decodeVocabulary}). */
    public boolean hasVocabulary() {
        return words.length > 0;
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

    /**
     * Decodes the first {@code frames} frames of {@code logProbs} ({@code frames x size()} log-probabilities,
     * frame-major) into words of the vocabulary: the best path through the word loop (see the class comment).
     *
     * @throws IllegalStateException without a vocabulary
     */
    public Transcript decodeVocabulary(float[] logProbs, int frames) {
        if (!hasVocabulary()) {
            throw new IllegalStateException("no vocabulary to decode with");
        }
        int v = symbols.length;
        if (frames < 0 || (long) frames * v > logProbs.length) {
            throw new IllegalArgumentException(frames + " frames of " + v + " symbols do not fit " + logProbs.length + " scores");
        }
        if (frames == 0) {
            return new Transcript(List.of());
        }
        final int gap = GAP;
        final int sep = SEP;
        int n = sym.length;
        double[] score = new double[n];
        double[] cur = new double[n];
        int[][] back = new int[frames][n];
        java.util.Arrays.fill(score, NEG);
        score[gap] = logProbs[blank];
        back[0][gap] = gap;
        for (int w = 0; w < words.length; w++) {
            score[base[w]] = logProbs[sym[base[w]]];
            back[0][base[w]] = gap;
        }
        for (int t = 1; t < frames; t++) {
            int[] bp = back[t];
            java.util.Arrays.fill(cur, NEG);
            // GAP <- GAP, SEP
            cur[gap] = score[gap];
            bp[gap] = gap;
            if (score[sep] > cur[gap]) {
                cur[gap] = score[sep];
                bp[gap] = sep;
            }
            // SEP <- SEP, word ends; ENTRY <- GAP, SEP, word-end blanks
            double bestV = score[sep];
            int bestB = sep;
            double entryV = score[gap];
            int entryB = gap;
            if (score[sep] > entryV) {
                entryV = score[sep];
                entryB = sep;
            }
            for (int w = 0; w < words.length; w++) {
                int lastL = base[w] + 2 * (letters[w].length - 1);
                int lastB = lastL + 1;
                if (score[lastL] > bestV) {
                    bestV = score[lastL];
                    bestB = lastL;
                }
                if (score[lastB] > bestV) {
                    bestV = score[lastB];
                    bestB = lastB;
                }
                if (score[lastB] > entryV) {
                    entryV = score[lastB];
                    entryB = lastB;
                }
            }
            cur[sep] = bestV;
            bp[sep] = bestB;
            for (int w = 0; w < words.length; w++) {
                int[] ls = letters[w];
                for (int i = 0; i < ls.length; i++) {
                    int li = base[w] + 2 * i;
                    double val = score[li];
                    int b = li;
                    if (i == 0) {
                        if (entryV > val) {
                            val = entryV;
                            b = entryB;
                        }
                    } else {
                        if (score[li - 1] > val) {
                            val = score[li - 1];
                            b = li - 1;
                        }
                        if (ls[i] != ls[i - 1] && score[li - 2] > val) {
                            val = score[li - 2];
                            b = li - 2;
                        }
                    }
                    cur[li] = val;
                    bp[li] = b;
                    val = score[li + 1];
                    b = li + 1;
                    if (score[li] > val) {
                        val = score[li];
                        b = li;
                    }
                    cur[li + 1] = val;
                    bp[li + 1] = b;
                }
            }
            int row = t * v;
            for (int s = 0; s < n; s++) {
                cur[s] += logProbs[row + sym[s]];
            }
            double[] swap = score;
            score = cur;
            cur = swap;
        }
        // the best final state: GAP, SEP, then each word's last letter and blank; ties to the first
        int end = gap;
        if (score[sep] > score[end]) {
            end = sep;
        }
        for (int w = 0; w < words.length; w++) {
            int lastL = base[w] + 2 * (letters[w].length - 1);
            if (score[lastL] > score[end]) {
                end = lastL;
            }
            if (score[lastL + 1] > score[end]) {
                end = lastL + 1;
            }
        }
        int[] path = new int[frames];
        int s = end;
        for (int t = frames - 1; t >= 0; t--) {
            path[t] = s;
            s = back[t][s];
        }
        List<Word> out = new ArrayList<>();
        int t = 0;
        while (t < frames) {
            int st = path[t];
            int w = owner[st];
            if (w >= 0 && st == base[w] && (t == 0 || path[t - 1] != st)) {
                int lastL = base[w] + 2 * (letters[w].length - 1);
                int endT = t;
                int u = t;
                while (u < frames && owner[path[u]] == w && !(u > t && path[u] == base[w] && path[u - 1] != base[w])) {
                    if (path[u] == lastL) {
                        endT = u + 1;
                    }
                    u++;
                }
                out.add(new Word(words[w], t, endT));
                t = u;
                continue;
            }
            t++;
        }
        return new Transcript(out);
    }

    private static final double NEG = -1e30;

    private static void flush(List<Word> words, StringBuilder word, int first, int end) {
        if (word.length() > 0) {
            words.add(new Word(word.toString(), first, end));
            word.setLength(0);
        }
    }
}
