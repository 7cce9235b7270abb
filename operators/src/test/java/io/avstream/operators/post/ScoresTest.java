package io.avstream.operators.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.avstream.schemas.Label;
import org.junit.jupiter.api.Test;

class ScoresTest {

    @Test
    void softmaxSumsToOneAndSurvivesLargeLogits() {
        float[] p = Scores.softmax(new float[] {1000f, 1001f, 999f});
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(1e-6f));
        assertThat(p[1]).isCloseTo(0.6652410f, within(1e-6f));
    }

    @Test
    void sigmoidIsElementwise() {
        assertThat(Scores.sigmoid(new float[] {0f, 2f})).containsExactly(new float[] {0.5f, 0.8807971f}, within(1e-6f));
    }

    @Test
    void topKIsHighestFirstWithTiesToTheLowerIndex() {
        assertThat(Scores.topK(new float[] {0.1f, 0.4f, 0.4f, 0.05f}, 3)).containsExactly(1, 2, 0);
        assertThat(Scores.topK(new float[] {0.1f}, 3)).containsExactly(0);
    }

    @Test
    void topLabelsNameEachScore() {
        List<Label> labels = Scores.topLabels(new float[] {0.2f, 0.7f, 0.1f}, List.of("walk", "run", "jump"), 2);
        assertThat(labels).extracting(Label::getName).containsExactly("run", "walk");
        assertThat(labels).extracting(Label::getIndex).containsExactly(1, 0);
        assertThat(labels.get(0).getScore()).isEqualTo(0.7f);
    }
}
