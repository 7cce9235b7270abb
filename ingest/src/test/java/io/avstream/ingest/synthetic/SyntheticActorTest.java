package io.avstream.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticActorTest {

    private static List<SyntheticActor.Frame> take(SyntheticActor actor, int n) {
        List<SyntheticActor.Frame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            frames.add(actor.next());
        }
        return frames;
    }

    @Test
    void sameStreamAndSeedGiveIdenticalFrames() {
        List<SyntheticActor.Frame> a = take(new SyntheticActor("actor-1", 42), 400);
        List<SyntheticActor.Frame> b = take(new SyntheticActor("actor-1", 42), 400);
        assertThat(a).isEqualTo(b);
        assertThat(a.stream().map(f -> f.segment().index()).distinct().count()).isGreaterThan(1);
    }

    @Test
    void otherSeedOrStreamGivesOtherFrames() {
        SyntheticActor.Frame base = new SyntheticActor("actor-1", 42).next();
        assertThat(new SyntheticActor("actor-1", 43).next().vertices()).isNotEqualTo(base.vertices());
        assertThat(new SyntheticActor("actor-2", 42).next().vertices()).isNotEqualTo(base.vertices());
        assertThat(new SyntheticActor("actor-1", 42).params()).isNotEqualTo(new SyntheticActor("actor-2", 42).params());
    }

    @Test
    void framesCountUpAtTheFrameRate() {
        List<SyntheticActor.Frame> frames = take(new SyntheticActor("s", 1), 30);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).index()).isEqualTo(i);
            assertThat(frames.get(i).timeUs()).isEqualTo(40_000L * i);
            assertThat(frames.get(i).vertices()).hasSize(3 * Humanoid.shared().vertexCount());
        }
        SyntheticActor thirty = SyntheticActor.builder().setStreamId("s").setSeed(1).optFps(30).build();
        take(thirty, 2);
        assertThat(thirty.next().timeUs()).isEqualTo(66_667L);
    }

    @Test
    void segmentsLastFourToEightSecondsAndNeverRepeatAnAction() {
        SyntheticActor actor = new SyntheticActor("long", 5);
        List<SyntheticActor.Segment> segments = new ArrayList<>();
        for (int i = 0; i < 25 * 60 * 6; i++) {
            SyntheticActor.Frame f = actor.next();
            if (segments.isEmpty() || !segments.get(segments.size() - 1).equals(f.segment())) {
                assertThat(f.index()).isEqualTo(f.segment().startFrame());
                segments.add(f.segment());
            }
            assertThat(f.index()).isGreaterThanOrEqualTo(f.segment().startFrame()).isLessThan(f.segment().endFrame());
            assertThat(f.label()).isEqualTo(f.action().label());
        }
        Set<Action> seen = EnumSet.noneOf(Action.class);
        for (int i = 0; i < segments.size(); i++) {
            SyntheticActor.Segment s = segments.get(i);
            seen.add(s.action());
            assertThat(s.index()).isEqualTo(i);
            if (i + 1 < segments.size()) {
                SyntheticActor.Segment next = segments.get(i + 1);
                assertThat(s.endFrame() - s.startFrame()).isBetween(100L, 200L);
                assertThat(s.endUs() - s.startUs()).isBetween(4_000_000L, 8_000_000L);
                assertThat(next.startFrame()).isEqualTo(s.endFrame());
                assertThat(next.action()).isNotEqualTo(s.action());
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(Action.values());
    }

    @Test
    void actorStaysNearItsAreaOverTenMinutes() {
        SyntheticActor actor = new SyntheticActor("wanderer", 11);
        double maxDistance = 0;
        for (int i = 0; i < 25 * 600; i++) {
            float[] v = actor.next().vertices();
            double dx = v[0] - actor.params().originX();
            double dz = v[2] - actor.params().originZ();
            maxDistance = Math.max(maxDistance, Math.hypot(dx, dz));
            assertThat(v[1]).isBetween(-1f, 3f);
        }
        assertThat(maxDistance).isLessThan(45);
    }

    @Test
    void noiseHasTheActorsSigma() {
        ActorParams clean = ActorParams.random(new SplittableRandom(3)).withoutNoise();
        ActorParams noisy = new ActorParams(clean.bodyScale(), clean.upperArmScale(), clean.forearmScale(),
                clean.thighScale(), clean.shinScale(), clean.speed(), clean.amplitude(), clean.heading(),
                clean.originX(), clean.originZ(), 0.004);
        float[] a = SyntheticActor.builder().setStreamId("n").setSeed(9).optParams(clean).build().next().vertices();
        float[] b = SyntheticActor.builder().setStreamId("n").setSeed(9).optParams(noisy).build().next().vertices();
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (b[i] - a[i]) * (double) (b[i] - a[i]);
        }
        assertThat(Math.sqrt(sum / a.length)).isCloseTo(0.004, within(0.0003));
    }

    @Test
    void drawnParamsStayInTheirRanges() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < 1000; i++) {
            ActorParams p = ActorParams.random(rng);
            assertThat(p.bodyScale()).isBetween(0.85, 1.15);
            assertThat(p.thighScale()).isBetween(0.95, 1.05);
            assertThat(p.speed()).isBetween(0.8, 1.25);
            assertThat(p.amplitude()).isBetween(0.8, 1.2);
            assertThat(p.heading()).isBetween(0.0, 2 * Math.PI);
            assertThat(p.noiseSigma()).isBetween(0.002, 0.006);
        }
    }

    @Test
    void oneActionRepeatsInEverySegment() {
        SyntheticActor actor = SyntheticActor.builder().setStreamId("w").setSeed(2).optActions(Action.WAVE)
                .optSegmentSeconds(1, 1).build();
        for (SyntheticActor.Frame f : take(actor, 100)) {
            assertThat(f.action()).isEqualTo(Action.WAVE);
            assertThat(f.segment().endFrame() - f.segment().startFrame()).isEqualTo(25);
        }
    }

    @Test
    void builderSaysWhatIsMissing() {
        assertThatThrownBy(() -> SyntheticActor.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream id is required")
                .hasMessageContaining("seed is required");
        assertThatThrownBy(() -> SyntheticActor.builder().setStreamId("a").setSeed(1).optFps(0).optActions().build())
                .hasMessageContaining("fps must be in (0, 1000]")
                .hasMessageContaining("at least one action");
        assertThatThrownBy(() -> SyntheticActor.builder().setStreamId("a").setSeed(1).optSegmentSeconds(5, 4).build())
                .hasMessageContaining("0 < min <= max");
    }

    @Test
    void posingIsFast() {
        Humanoid h = Humanoid.shared();
        float[] out = new float[3 * h.vertexCount()];
        Pose pose = new Pose();
        ActorParams params = ActorParams.random(new SplittableRandom(1));
        int frames = 20_000;
        for (int i = 0; i < frames; i++) {  // warm-up
            Motions.apply(Action.values()[i % 8], i * 0.04, 1, pose);
            h.pose(pose, params, out);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            Motions.apply(Action.values()[i % 8], i * 0.04, 1, pose);
            h.pose(pose, params, out);
        }
        double poseUs = (System.nanoTime() - t0) / 1e3 / frames;
        SyntheticActor actor = new SyntheticActor("bench", 1);
        take(actor, frames);
        long t1 = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            actor.next(out);
        }
        double frameUs = (System.nanoTime() - t1) / 1e3 / frames;
        System.out.printf("humanoid (%d vertices): pose %.1f us/frame; SyntheticActor.next with noise %.1f us/frame%n",
                h.vertexCount(), poseUs, frameUs);
    }
}
