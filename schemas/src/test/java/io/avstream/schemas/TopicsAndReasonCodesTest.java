package io.avstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsAndReasonCodesTest {

  @Test
  void topicNamesAreDistinctAndPrefixed() throws IllegalAccessException {
    List<String> names = new ArrayList<>();
    for (Field field : Topics.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        names.add((String) field.get(null));
      }
    }

    assertThat(names).hasSize(8).doesNotHaveDuplicates().allMatch(n -> n.startsWith("avstream."));
    assertThat(Topics.PREDICTIONS_AUDIO_EVENTS).isEqualTo("avstream.predictions.audio-events");
  }

  @Test
  void everyReasonCodeHasADescriptionAndRoundTripsByName() {
    assertThat(ReasonCode.values()).hasSize(12);
    for (ReasonCode code : ReasonCode.values()) {
      assertThat(code.description()).isNotBlank();
      assertThat(ReasonCode.valueOf(code.name())).isSameAs(code);
    }
  }
}
