package io.avstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    assertThat(names).hasSize(9).doesNotHaveDuplicates().allMatch(n -> n.startsWith("avstream."));
    assertThat(Topics.PREDICTIONS_AUDIO_EVENTS).isEqualTo("avstream.predictions.audio-events");
  }

  @Test
  void readmeListsEveryReasonCodeAndSaysBadSequenceIsOnlyANegativeNumber() throws IOException {
    String readme = Files.readString(Paths.get("README.md"), StandardCharsets.UTF_8);
    for (ReasonCode code : ReasonCode.values()) {
      assertThat(readme).as("README row of %s", code).containsPattern("(?m)^\\| `" + code.name() + "` \\| \\S");
    }
    // the source checks each record on its own: a sequence number that goes backwards is not detected
    // there (BadInputITCase sends such a stream and gets its predictions)
    Matcher row = Pattern.compile("(?m)^\\| `BAD_SEQUENCE` \\| (.*) \\|$").matcher(readme);
    assertThat(row.find()).isTrue();
    assertThat(row.group(1)).isEqualTo(ReasonCode.BAD_SEQUENCE.description()).isEqualTo("sequence number negative");
  }

  @Test
  void kafkaAppendTimeIsDocumentedAsTheRecordTimestamp() throws IOException {
    String doc = LatencyRecord.getClassSchema().getField("kafka_append_time_us").doc();
    assertThat(doc).contains("Kafka record timestamp", "create time", "LogAppendTime");
    String readme = Files.readString(Paths.get("README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("kafka_append_time_us").contains("LogAppendTime");
  }

  @Test
  void everyReasonCodeHasADescriptionAndRoundTripsByName() {
    assertThat(ReasonCode.values()).hasSize(16);
    for (ReasonCode code : ReasonCode.values()) {
      assertThat(code.description()).isNotBlank();
      assertThat(ReasonCode.valueOf(code.name())).isSameAs(code);
    }
  }
}
