package io.avstream.ingest.synthetic;

/**
 * The choreography of each {@link Action}: a pose as a function of the phase, counted in cycles
 * (0..1 is one stride, jump, wave, squat, kick, punch or turning step), plus how fast the body
 * travels and turns. Angles in degrees; the sign conventions are those of {@link Pose}.
 */
final class Motions {

    private static final double THIGH = Bone.LEFT_THIGH.restY() - Bone.LEFT_SHIN.restY();
    private static final double SHIN = Bone.LEFT_SHIN.restY() - Bone.LEFT_FOOT.restY();

    private Motions() {}

    /** Seconds per cycle at tempo 1. */
    static double period(Action a) {
        switch (a) {
            case WALK:
                return 1.10;
            case RUN:
                return 0.70;
            case JUMP:
                return 1.30;
            case WAVE:
                return 0.75;
            case SQUAT:
                return 2.60;
            case KICK:
                return 1.60;
            case PUNCH:
                return 0.80;
            case TURN:
                return 0.90;
            default:
                throw new AssertionError(a);
        }
    }

    /** Forward speed at tempo 1 and amplitude 1, metres per second of the template body. */
    static double forwardSpeed(Action a) {
        switch (a) {
            case WALK:
                return 1.35;
            case RUN:
                return 3.3;
            default:
                return 0;
        }
    }

    /** Turning speed at tempo 1, radians per second (the direction is chosen per segment). */
    static double yawRate(Action a) {
        return a == Action.TURN ? 1.7 : 0;
    }

    /** Sets {@code out} (joints and root offset; placement reset) to action {@code a} at the given phase. */
    static void apply(Action a, double cycles, double amp, Pose out) {
        out.reset();
        double u = cycles - Math.floor(cycles);
        double c = StrictMath.sin(2 * Math.PI * cycles);
        double k = StrictMath.cos(2 * Math.PI * cycles);
        switch (a) {
            case WALK:
                walk(c, k, u, amp, out);
                break;
            case RUN:
                run(c, k, amp, out);
                break;
            case JUMP:
                jump(u, amp, out);
                break;
            case WAVE:
                wave(cycles, c, amp, out);
                break;
            case SQUAT:
                squat(k, amp, out);
                break;
            case KICK:
                kick(cycles, u, amp, out);
                break;
            case PUNCH:
                punch(cycles, u, amp, out);
                break;
            case TURN:
                turn(c, amp, out);
                break;
            default:
                throw new AssertionError(a);
        }
    }

    private static void walk(double c, double k, double u, double amp, Pose p) {
        double hip = 22 * amp * c;
        double kneeL = 5 + 40 * amp * Math.max(0, k);
        double kneeR = 5 + 40 * amp * Math.max(0, -k);
        p.set(Bone.LEFT_THIGH, -hip, 0, 0).set(Bone.RIGHT_THIGH, hip, 0, 0);
        p.set(Bone.LEFT_SHIN, kneeL, 0, 0).set(Bone.RIGHT_SHIN, kneeR, 0, 0);
        p.set(Bone.LEFT_FOOT, -0.4 * (kneeL - hip), 0, 0).set(Bone.RIGHT_FOOT, -0.4 * (kneeR + hip), 0, 0);
        double arm = 18 * amp * c;
        p.set(Bone.LEFT_UPPER_ARM, arm, 0, 0).set(Bone.RIGHT_UPPER_ARM, -arm, 0, 0);
        p.set(Bone.LEFT_FOREARM, -15, 0, 0).set(Bone.RIGHT_FOREARM, -15, 0, 0);
        p.set(Bone.PELVIS, 0, 4 * amp * c, 0).set(Bone.SPINE, 3, 0, 0).set(Bone.CHEST, 0, -7 * amp * c, 0);
        p.setRootOffset(0, -0.015 * amp * (0.5 - 0.5 * StrictMath.cos(4 * Math.PI * u)), 0);
    }

    private static void run(double c, double k, double amp, Pose p) {
        double hipL = -12 - 38 * amp * c;
        double hipR = -12 + 38 * amp * c;
        double kneeL = 25 + 70 * amp * Math.max(0, k);
        double kneeR = 25 + 70 * amp * Math.max(0, -k);
        p.set(Bone.LEFT_THIGH, hipL, 0, 0).set(Bone.RIGHT_THIGH, hipR, 0, 0);
        p.set(Bone.LEFT_SHIN, kneeL, 0, 0).set(Bone.RIGHT_SHIN, kneeR, 0, 0);
        p.set(Bone.LEFT_FOOT, -10, 0, 0).set(Bone.RIGHT_FOOT, -10, 0, 0);
        double arm = 32 * amp * c;
        p.set(Bone.LEFT_UPPER_ARM, arm, 0, 0).set(Bone.RIGHT_UPPER_ARM, -arm, 0, 0);
        p.set(Bone.LEFT_FOREARM, -85, 0, 0).set(Bone.RIGHT_FOREARM, -85, 0, 0);
        p.set(Bone.SPINE, 12, 0, 0).set(Bone.CHEST, 0, -10 * amp * c, 0);
        p.setRootOffset(0, -0.05 + 0.07 * amp * Math.abs(c), 0);
    }

    private static void jump(double u, double amp, Pose p) {
        double crouch;
        double height = 0;
        double tuck = 0;
        double arms;
        if (u < 0.35) {
            crouch = smooth(u / 0.35);
            arms = 45 * crouch;
        } else if (u < 0.45) {
            double q = smooth((u - 0.35) / 0.10);
            crouch = 1 - q;
            arms = 45 - 205 * q;
        } else if (u < 0.80) {
            double q = (u - 0.45) / 0.35;
            crouch = 0;
            height = 0.35 * amp * 4 * q * (1 - q);
            tuck = StrictMath.sin(Math.PI * q);
            arms = -160 + 160 * smooth(q);
        } else {
            double q = (u - 0.80) / 0.20;
            crouch = 0.55 * StrictMath.sin(Math.PI * q);
            arms = 0;
        }
        double hip = -60 * crouch - 30 * tuck;
        double knee = 105 * crouch + 60 * tuck;
        double drop = crouch > 0 ? legDrop(hip, knee) : 0;
        legs(p, hip, knee, -(hip + knee) * (crouch > 0 ? 1 : 0.3));
        p.set(Bone.SPINE, 25 * crouch, 0, 0);
        p.set(Bone.LEFT_UPPER_ARM, arms, 0, 8).set(Bone.RIGHT_UPPER_ARM, arms, 0, -8);
        p.set(Bone.LEFT_FOREARM, -20, 0, 0).set(Bone.RIGHT_FOREARM, -20, 0, 0);
        p.setRootOffset(0, height - drop, 0);
    }

    private static void wave(double cycles, double c, double amp, Pose p) {
        p.set(Bone.RIGHT_UPPER_ARM, -15, 0, -(95 + 10 * amp));
        p.set(Bone.RIGHT_FOREARM, -10, 0, -65 + 28 * amp * c);
        p.set(Bone.RIGHT_HAND, 0, 0, 12 * amp * StrictMath.sin(2 * Math.PI * cycles - 0.6));
        p.set(Bone.LEFT_UPPER_ARM, 3, 0, 0).set(Bone.LEFT_FOREARM, -10, 0, 0);
        double sway = StrictMath.sin(2 * Math.PI * cycles / 4);
        p.set(Bone.CHEST, 0, 4 * sway, 2 * sway).set(Bone.HEAD, 0, -10, 0);
        legs(p, 0, 3, 0);
    }

    private static void squat(double k, double amp, Pose p) {
        double d = (0.5 - 0.5 * k) * Math.min(amp, 1.15);
        double hip = -90 * d;
        double knee = 115 * d;
        legs(p, hip, knee, -(hip + knee));
        p.set(Bone.SPINE, 30 * d, 0, 0);
        p.set(Bone.LEFT_UPPER_ARM, -80 * d, 0, 0).set(Bone.RIGHT_UPPER_ARM, -80 * d, 0, 0);
        p.set(Bone.LEFT_FOREARM, -10 * d, 0, 0).set(Bone.RIGHT_FOREARM, -10 * d, 0, 0);
        p.setRootOffset(0, -legDrop(hip, knee), -0.05 * d);
    }

    private static final double[][] KICK_KEYS = {
        // phase, hip flexion, knee flexion
        {0.00, 0, 5}, {0.25, -55, 90}, {0.42, -85, 10}, {0.60, -55, 90}, {0.80, 0, 5}, {1.00, 0, 5}};

    private static void kick(double cycles, double u, double amp, Pose p) {
        boolean right = ((long) Math.floor(cycles) & 1L) == 0;
        double[] hk = keyframes(KICK_KEYS, u);
        double hip = hk[0] < -55 ? -55 + (hk[0] + 55) * amp : hk[0];
        double knee = hk[1];
        double e = -hip / 85;
        Bone kThigh = right ? Bone.RIGHT_THIGH : Bone.LEFT_THIGH;
        Bone kShin = right ? Bone.RIGHT_SHIN : Bone.LEFT_SHIN;
        Bone kFoot = right ? Bone.RIGHT_FOOT : Bone.LEFT_FOOT;
        Bone sThigh = kThigh.mirror();
        Bone sShin = kShin.mirror();
        Bone sFoot = kFoot.mirror();
        p.set(kThigh, hip, 0, 0).set(kShin, knee, 0, 0).set(kFoot, 20 * e, 0, 0);
        p.set(sThigh, -8, 0, 0).set(sShin, 15, 0, 0).set(sFoot, -7, 0, 0);
        p.set(Bone.SPINE, -10 * e, 0, 0);
        p.set(Bone.LEFT_UPPER_ARM, -35, 0, 15).set(Bone.RIGHT_UPPER_ARM, -35, 0, -15);
        p.set(Bone.LEFT_FOREARM, -95, 0, 0).set(Bone.RIGHT_FOREARM, -95, 0, 0);
        p.setRootOffset(0, -legDrop(-8, 15), 0);
    }

    private static void punch(double cycles, double u, double amp, Pose p) {
        boolean right = ((long) Math.floor(cycles) & 1L) == 0;
        double e;
        if (u < 0.25) {
            e = smooth(u / 0.25);
        } else if (u < 0.35) {
            e = 1;
        } else if (u < 0.65) {
            e = 1 - smooth((u - 0.35) / 0.30);
        } else {
            e = 0;
        }
        legs(p, -15, 25, -10);
        Bone punching = right ? Bone.RIGHT_UPPER_ARM : Bone.LEFT_UPPER_ARM;
        Bone guard = punching.mirror();
        double inward = right ? 1 : -1;  // z rotation that brings this arm towards the mid-line
        p.set(guard, -45, 0, -inward * 15);
        p.set(guard == Bone.LEFT_UPPER_ARM ? Bone.LEFT_FOREARM : Bone.RIGHT_FOREARM, -115, 0, 0);
        p.set(punching, -45 + (-85 * amp + 45) * e, 0, inward * (15 - 10 * e));
        p.set(punching == Bone.LEFT_UPPER_ARM ? Bone.LEFT_FOREARM : Bone.RIGHT_FOREARM, -115 + 110 * e, 0, 0);
        double twist = (right ? 1 : -1) * e;
        p.set(Bone.CHEST, 0, 22 * amp * twist, 0).set(Bone.PELVIS, 0, 8 * twist, 0);
        p.setRootOffset(0, -legDrop(-15, 25), 0);
    }

    private static void turn(double c, double amp, Pose p) {
        double sl = Math.max(0, c);
        double sr = Math.max(0, -c);
        p.set(Bone.LEFT_THIGH, -22 * amp * sl, 0, 0).set(Bone.LEFT_SHIN, 45 * amp * sl, 0, 0)
                .set(Bone.LEFT_FOOT, -11 * amp * sl, 0, 0);
        p.set(Bone.RIGHT_THIGH, -22 * amp * sr, 0, 0).set(Bone.RIGHT_SHIN, 45 * amp * sr, 0, 0)
                .set(Bone.RIGHT_FOOT, -11 * amp * sr, 0, 0);
        p.set(Bone.LEFT_UPPER_ARM, 8 * c, 0, 5).set(Bone.RIGHT_UPPER_ARM, -8 * c, 0, -5);
        p.set(Bone.LEFT_FOREARM, -20, 0, 0).set(Bone.RIGHT_FOREARM, -20, 0, 0);
        p.setRootOffset(0, 0, 0);
    }

    /** Both legs alike. */
    private static void legs(Pose p, double hip, double knee, double foot) {
        p.set(Bone.LEFT_THIGH, hip, 0, 0).set(Bone.RIGHT_THIGH, hip, 0, 0);
        p.set(Bone.LEFT_SHIN, knee, 0, 0).set(Bone.RIGHT_SHIN, knee, 0, 0);
        p.set(Bone.LEFT_FOOT, foot, 0, 0).set(Bone.RIGHT_FOOT, foot, 0, 0);
    }

    /** How far the hips sink when a leg with this hip and knee flexion keeps its ankle on the ground. */
    static double legDrop(double hipDeg, double kneeDeg) {
        double a = Math.toRadians(hipDeg);
        double b = Math.toRadians(hipDeg + kneeDeg);
        return THIGH * (1 - StrictMath.cos(a)) + SHIN * (1 - StrictMath.cos(b));
    }

    private static double[] keyframes(double[][] keys, double u) {
        for (int i = 0; i + 1 < keys.length; i++) {
            if (u <= keys[i + 1][0]) {
                double t = smooth((u - keys[i][0]) / (keys[i + 1][0] - keys[i][0]));
                return new double[] {keys[i][1] + (keys[i + 1][1] - keys[i][1]) * t,
                    keys[i][2] + (keys[i + 1][2] - keys[i][2]) * t};
            }
        }
        double[] last = keys[keys.length - 1];
        return new double[] {last[1], last[2]};
    }

    /** Cosine ease from 0 to 1 over [0, 1]. */
    static double smooth(double t) {
        double c = Math.max(0, Math.min(1, t));
        return 0.5 - 0.5 * StrictMath.cos(Math.PI * c);
    }
}
