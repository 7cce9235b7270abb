package io.avstream.tools.testutils;

import java.nio.file.Path;

import io.avstream.tools.local.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process Kafka broker (KRaft, 127.0.0.1) for the tests of one class:
 * {@code @RegisterExtension static final InProcessKafka KAFKA = new InProcessKafka();}, then {@code KAFKA.get()}.
 */
public final class InProcessKafka implements BeforeAllCallback, AfterAllCallback {

    /** The random tiny package with the audio-event models' signature: checks a path, not tags. */
    public static final Path TINY_AUDIO_EVENTS = Path.of("..", "operators", "src", "test", "resources", "avstream-models",
            "tiny-audio-events").toAbsolutePath().normalize();

    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafka get() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only while the test class runs");
        }
        return kafka;
    }
}
