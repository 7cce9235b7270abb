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
}
