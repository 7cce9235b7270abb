package io.avstream.tools.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The broker process's topic list: {@code name[:partitions[:compact]]}, refused whole when one entry is malformed. */
class KafkaBrokerMainTest {

    @Test
    void topicsWithPartitionsAndCompaction() {
        assertThat(KafkaBrokerMain.TopicSpec.parseAll("avstream.mocap:4, avstream.deadletter,avstream.speakers:1:compact,"))
                .containsExactly(new KafkaBrokerMain.TopicSpec("avstream.mocap", 4, false),
                        new KafkaBrokerMain.TopicSpec("avstream.deadletter", 1, false),
                        new KafkaBrokerMain.TopicSpec("avstream.speakers", 1, true));
        assertThat(KafkaBrokerMain.TopicSpec.parseAll("")).isEmpty();
    }

    @Test
    void malformedEntriesAreRefusedWithTheEntry() {
        for (String bad : new String[] {"a:compact", "a::compact", "a:4:", "a:0", "a:4:compacted", ":4", "a:4:compact:x"}) {
            assertThatThrownBy(() -> KafkaBrokerMain.TopicSpec.parseAll("ok:1," + bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }
}
