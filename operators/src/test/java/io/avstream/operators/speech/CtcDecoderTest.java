package io.avstream.operators.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class CtcDecoderTest {

    private static final List<String> SYMBOLS = Arrays.asList(("<s> <pad> </s> <unk> | E T A O N I H S R D L U M W C F G "
            + "Y P B V K ' X J Q Z").split(" "));
    private static final CtcDecoder DECODER = new CtcDecoder(SYMBOLS, 0, "|");

    /** One-hot frames of the given symbols ("_" is the blank). */
    private static float[] frames(String... path) {
        float[] x = new float[path.length * SYMBOLS.size()];
        for (int t = 0; t < path.length; t++) {
            String s = path[t].equals("_") ? "<s>" : path[t];
            x[t * SYMBOLS.size() + SYMBOLS.indexOf(s)] = 5f;
        }
        return x;
    }

    @Test
    void collapsesRepeatsDropsBlanksAndSplitsWordsWithTheirFrames() {
        // _ G G O _ | | _ L E F F _ T _ _
        float[] x = frames("_", "G", "G", "O", "_", "|", "|", "_", "L", "E", "F", "F", "_", "T", "_", "_");
        CtcDecoder.Transcript t = DECODER.decode(x, 16);
        assertThat(t.text()).isEqualTo("go left");
        assertThat(t.words()).containsExactly(new CtcDecoder.Word("go", 1, 4), new CtcDecoder.Word("left", 8, 14));
    }

    @Test
    void aBlankBetweenEqualSymbolsKeepsBoth() {
        assertThat(DECODER.decode(frames("O", "_", "O", "F", "F"), 5).text()).isEqualTo("oof");
        assertThat(DECODER.decode(frames("O", "O", "F", "_", "F"), 5).text()).isEqualTo("off");
    }

    @Test
    void framesBeyondTheSegmentAreNotRead() {
        float[] x = frames("Y", "E", "S", "_", "N", "O");
        assertThat(DECODER.decode(x, 4).text()).isEqualTo("yes");
        assertThat(DECODER.decode(x, 0).words()).isEmpty();
        assertThatThrownBy(() -> DECODER.decode(x, 7)).hasMessageContaining("do not fit");
    }

    @Test
    void specialSymbolsAreDroppedAndSeparatorsAtTheEdgesMakeNoEmptyWords() {
        assertThat(DECODER.decode(frames("|", "<unk>", "U", "P", "|", "</s>"), 6).text()).isEqualTo("up");
        assertThatThrownBy(() -> new CtcDecoder(SYMBOLS, 0, "#")).hasMessageContaining("separator");
    }

    @Test
    void theVocabularyDecodingIsThePythonDecodersOnTheSameScores() throws Exception {
        com.fasterxml.jackson.databind.JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                SpeechTranslatorTest.class.getResourceAsStream("/golden/speech-small/vocabulary_decoding.json"));
        List<String> labels = io.avstream.models.ModelPackage.fromClasspath("speech-small").labels();
        List<String> vocabulary = new java.util.ArrayList<>();
        expected.get("vocabulary").forEach(w -> vocabulary.add(w.asText()));
        CtcDecoder d = new CtcDecoder(labels, 0, "|", vocabulary);
        assertThat(d.hasVocabulary()).isTrue();
        assertThat(expected.get("cases")).hasSizeGreaterThanOrEqualTo(8);
        for (com.fasterxml.jackson.databind.JsonNode c : expected.get("cases")) {
            float[] x;
            int frames;
            if (c.has("tokens")) {
                String tokens = c.get("tokens").asText();
                frames = tokens.length();
                x = new float[frames * labels.size()];
                Arrays.fill(x, (float) Math.log(0.01 / (labels.size() - 1)));
                for (int t = 0; t < frames; t++) {
                    char ch = tokens.charAt(t);
                    x[t * labels.size() + labels.indexOf(ch == '_' ? "<s>" : String.valueOf(ch))] = (float) Math.log(0.99);
                }
            } else {
                x = SpeechTranslatorTest.golden(c.get("golden").asText());
                frames = c.get("frames").asInt();
                assertThat(d.decode(x, frames).text()).isEqualTo(c.get("greedy").asText());
            }
            CtcDecoder.Transcript t = d.decodeVocabulary(x, frames);
            assertThat(t.text()).as(c.toString()).isEqualTo(c.get("text").asText());
            if (c.has("golden")) {
                // its cost, for the record (not checked): the golden utterances are 1-2.6 s
                long t0 = System.nanoTime();
                for (int r = 0; r < 20; r++) {
                    d.decodeVocabulary(x, frames);
                }
                System.out.printf("vocabulary decoding of %d CTC frames (%.1f s): %.2f ms%n", frames, frames * 0.02,
                        (System.nanoTime() - t0) / 20 / 1e6);
            }
            List<CtcDecoder.Word> words = new java.util.ArrayList<>();
            c.get("words").forEach(w -> words.add(new CtcDecoder.Word(w.get(0).asText(), w.get(1).asInt(), w.get(2).asInt())));
            assertThat(t.words()).as(c.toString()).containsExactlyElementsOf(words);
        }
    }

    @Test
    void vocabularyDecodingPullsAMisspeltWordToTheVocabularyAndNeedsAVocabulary() {
        CtcDecoder d = new CtcDecoder(SYMBOLS, 0, "|", List.of("go", "left", "off"));
        float[] x = frames("_", "G", "G", "O", "_", "|", "|", "_", "L", "O", "F", "F", "_", "T", "_", "_");
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] == 5f ? (float) Math.log(0.99) : (float) Math.log(0.01 / 31);
        }
        assertThat(d.decode(x, 16).text()).isEqualTo("go loft");
        assertThat(d.decodeVocabulary(x, 16).text()).isEqualTo("go left");
        assertThat(d.decodeVocabulary(x, 0).words()).isEmpty();
        assertThatThrownBy(() -> DECODER.decodeVocabulary(x, 16)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new CtcDecoder(SYMBOLS, 0, "|", List.of("caf\u00e9"))).hasMessageContaining("cannot be spelt");
    }
}
