package io.avstream.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each action is recognisable from the mesh alone: checks on simple trajectories of body parts. */
class ActionTest {

    private static final double SECONDS = 6;
    private static final Map<Action, Features> FEATURES = new EnumMap<>(Action.class);
    private static final float[] REST = Humanoid.shared().template().vertices();

    /** Simple measurements over 6 s of one action by the template body, facing +z, without noise. */
    record Features(double travelSpeed, double maxTurn, double pelvisRange, double headMinY, double handMaxY,
            double handReach, double footMaxY, double feetLowestMaxY) {}

    @BeforeAll
    static void perform() {
        Humanoid h = Humanoid.shared();
        for (Action a : Action.values()) {
            SyntheticActor actor = SyntheticActor.builder().setStreamId("probe").setSeed(1).optActions(a)
                    .optSegmentSeconds(SECONDS, SECONDS).optParams(ActorParams.NEUTRAL).build();
            int frames = (int) (SECONDS * actor.fps());
            double[] firstPelvis = null;
            double[] lastPelvis = null;
            double firstAngle = 0;
            double prevAngle = 0;
            double unwrapped = 0;
            double maxTurn = 0;
            double pelvisMin = Double.MAX_VALUE;
            double pelvisMax = -Double.MAX_VALUE;
            double headMin = Double.MAX_VALUE;
            double handMax = -Double.MAX_VALUE;
            double reach = -Double.MAX_VALUE;
            double footMax = -Double.MAX_VALUE;
            double feetLowestMax = -Double.MAX_VALUE;
            for (int i = 0; i < frames; i++) {
                float[] v = actor.next().vertices();
                double[] pelvis = centroid(h, v, Bone.PELVIS);
                double[] left = centroid(h, v, Bone.CHEST, 1);
                double[] right = centroid(h, v, Bone.CHEST, -1);
                double angle = Math.atan2(left[2] - right[2], left[0] - right[0]);
                if (i == 0) {
                    firstPelvis = pelvis;
                    firstAngle = angle;
                    prevAngle = angle;
                    unwrapped = angle;
                } else {
                    unwrapped += Math.IEEEremainder(angle - prevAngle, 2 * Math.PI);
                    prevAngle = angle;
                }
                maxTurn = Math.max(maxTurn, Math.abs(unwrapped - firstAngle));
                lastPelvis = pelvis;
                pelvisMin = Math.min(pelvisMin, pelvis[1]);
                pelvisMax = Math.max(pelvisMax, pelvis[1]);
                headMin = Math.min(headMin, centroid(h, v, Bone.HEAD)[1]);
                double[] lh = centroid(h, v, Bone.LEFT_HAND);
                double[] rh = centroid(h, v, Bone.RIGHT_HAND);
                handMax = Math.max(handMax, Math.max(lh[1], rh[1]));
                reach = Math.max(reach, Math.max(lh[2], rh[2]) - pelvis[2]);
                double lf = centroid(h, v, Bone.LEFT_FOOT)[1];
                double rf = centroid(h, v, Bone.RIGHT_FOOT)[1];
                footMax = Math.max(footMax, Math.max(lf, rf));
                feetLowestMax = Math.max(feetLowestMax, Math.min(lf, rf));
            }
            double travel = Math.hypot(lastPelvis[0] - firstPelvis[0], lastPelvis[2] - firstPelvis[2])
                    / ((frames - 1) / actor.fps());
            FEATURES.put(a, new Features(travel, maxTurn, pelvisMax - pelvisMin, headMin, handMax, reach, footMax,
                    feetLowestMax));
        }
        FEATURES.forEach((a, f) -> System.out.println(a + " " + f));
    }

    private static double[] centroid(Humanoid h, float[] v, Bone bone) {
        return centroid(h, v, bone, 0);
    }

    /** Centroid of the bone's vertices; side 1 or -1: only those left or right of the mid-line at rest. */
    private static double[] centroid(Humanoid h, float[] v, Bone bone, int side) {
        float[] rest = REST;
        double[] c = new double[3];
        int n = 0;
        for (int i = 0; i < h.vertexCount(); i++) {
            if (h.primaryBone(i) == bone && (side == 0 || side * rest[3 * i] > 0.01)) {
                c[0] += v[3 * i];
                c[1] += v[3 * i + 1];
                c[2] += v[3 * i + 2];
                n++;
            }
        }
        c[0] /= n;
        c[1] /= n;
        c[2] /= n;
        return c;
    }

    @Test
    void labelsAreLowerCaseInModelOrder() {
        assertThat(Action.labels()).containsExactly("walk", "run", "jump", "wave", "squat", "kick", "punch", "turn");
        assertThat(Action.fromLabel("squat")).isEqualTo(Action.SQUAT);
        assertThatThrownBy(() -> Action.fromLabel("dance")).hasMessageContaining("unknown action label dance");
    }

    @Test
    void onlyWalkingAndRunningTravelAndRunningIsMuchFaster() {
        double walk = FEATURES.get(Action.WALK).travelSpeed();
        double run = FEATURES.get(Action.RUN).travelSpeed();
        assertThat(walk).isBetween(1.0, 1.8);
        assertThat(run).isGreaterThan(2.5).isGreaterThan(1.8 * walk);
        for (Action a : Action.values()) {
            if (a != Action.WALK && a != Action.RUN) {
                assertThat(FEATURES.get(a).travelSpeed()).as(a.label()).isLessThan(0.1);
            }
        }
    }

    @Test
    void onlyTurningRotatesTheBody() {
        // chest orientation: turning goes round more than once in 6 s; punching twists about +-30 degrees
        assertThat(FEATURES.get(Action.TURN).maxTurn()).isGreaterThan(2 * Math.PI);
        for (Action a : Action.values()) {
            if (a != Action.TURN) {
                assertThat(FEATURES.get(a).maxTurn()).as(a.label()).isLessThan(1.2);
            }
        }
    }

    @Test
    void jumpingLeavesTheGroundSquattingDoesNot() {
        Features jump = FEATURES.get(Action.JUMP);
        Features squat = FEATURES.get(Action.SQUAT);
        assertThat(jump.pelvisRange()).isGreaterThan(0.4);
        assertThat(jump.feetLowestMaxY()).isGreaterThan(0.25);
        assertThat(squat.pelvisRange()).isGreaterThan(0.3);
        assertThat(squat.headMinY()).isLessThan(1.3);
        assertThat(squat.feetLowestMaxY()).isLessThan(FEATURES.get(Action.WAVE).feetLowestMaxY() + 0.02);
    }

    @Test
    void wavingRaisesAHandAboveTheHead() {
        assertThat(FEATURES.get(Action.WAVE).handMaxY()).isGreaterThan(1.7);
        for (Action a : new Action[] {Action.WALK, Action.RUN, Action.SQUAT, Action.KICK, Action.PUNCH, Action.TURN}) {
            assertThat(FEATURES.get(a).handMaxY()).as(a.label()).isLessThan(1.6);
        }
    }

    @Test
    void kickingRaisesAFootPunchingReachesForward() {
        assertThat(FEATURES.get(Action.KICK).footMaxY()).isGreaterThan(0.6);
        assertThat(FEATURES.get(Action.PUNCH).handReach()).isGreaterThan(0.45);
        for (Action a : new Action[] {Action.WALK, Action.WAVE, Action.SQUAT, Action.PUNCH, Action.TURN}) {
            assertThat(FEATURES.get(a).footMaxY()).as(a.label()).isLessThan(0.45);
        }
    }
}
