package io.avstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownEventsTest {

    private final KnownEvents known = KnownEvents.bundled();

    @Test
    void theBundledRecordingHasOneEventOfEachSourceKind() {
        // twelve sources; the five instruments are also Music
        assertThat(known.truth()).hasSize(17);
        assertThat(known.truth()).extracting(KnownEvents.Event::label).contains("Speech", "Siren", "Music", "Tick-tock");
        assertThat(known.seconds()).isBetween(40.0, 60.0);
        assertThat(known.truth()).allSatisfy(e -> assertThat(e.offset()).isGreaterThan(e.onset()).isLessThanOrEqualTo(known.seconds()));
    }

    @Test
    void scoresByClassWithinTheToleranceEachKnownEventOnce() {
        List<KnownEvents.Event> exact = known.truth();
        assertThat(known.score(exact).precision()).isEqualTo(1.0);
        assertThat(known.score(exact).recall()).isEqualTo(1.0);

        List<KnownEvents.Event> shifted = new ArrayList<>();
        for (KnownEvents.Event e : exact) {
            shifted.add(new KnownEvents.Event(e.cls(), e.label(), e.onset() + 0.45, e.offset() - 0.45));
        }
        assertThat(known.score(shifted).truePositives()).isEqualTo(exact.size());
        List<KnownEvents.Event> late = new ArrayList<>();
        for (KnownEvents.Event e : exact) {
            late.add(new KnownEvents.Event(e.cls(), e.label(), e.onset(), e.offset() + 0.55));
        }
        assertThat(known.score(late).truePositives()).isZero();

        KnownEvents.Event first = exact.get(0);
        KnownEvents.Event otherClass = new KnownEvents.Event(first.cls() + 1, "other", first.onset(), first.offset());
        List<KnownEvents.Event> twice = List.of(first, first, otherClass);
        KnownEvents.Score s = known.score(twice);
        assertThat(s.truePositives()).isEqualTo(1);
        assertThat(s.precision()).isEqualTo(1.0 / 3);
        assertThat(s.recall()).isEqualTo(1.0 / exact.size());
    }

    @Test
    void copiesTheRecordingForFfmpeg(@TempDir Path dir) throws Exception {
        Path f = KnownEvents.copyRecording(dir);
        byte[] head = Files.readAllBytes(f);
        assertThat(new String(head, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("fLaC");
    }
}
