package io.avstream.tools.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.avstream.tools.testutils.InProcessKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker process's topic list: {@code name[:partitions[:compact]]}, refused whole when one entry is malformed. */
class KafkaBrokerMainTest {

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    @Test
    void aCompactTopicIsCreatedCompactedAndAnExistingOneIsCompactedToo() throws Exception {
        KAFKA.get().createTopic("speakers-existing", 1);
        KafkaBrokerMain.createTopics(KAFKA.get(), "speakers-new:1:compact,speakers-existing:1:compact,plain:2");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.get().bootstrapServers()))) {
            for (String t : List.of("speakers-new", "speakers-existing", "plain")) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, t);
                assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value())
                        .as(t).isEqualTo(t.equals("plain") ? "delete" : "compact");
            }
            assertThat(admin.describeTopics(List.of("plain")).allTopicNames().get().get("plain").partitions()).hasSize(2);
        }
    }

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
