package io.avstream.ingest.synthetic;

import java.util.random.RandomGenerator;

/**
 * The body and style of one synthetic actor: size, limb proportions, tempo, amplitude, starting
 * placement and sensor noise.
 *
 * @param bodyScale     uniform body scale (1 = the 1.8 m template)
 * @param upperArmScale length factor of both upper arms
 * @param forearmScale  length factor of both forearms
 * @param thighScale    length factor of both thighs
 * @param shinScale     length factor of both shins
 * @param speed         tempo factor of every motion (and of the walking and running speed)
 * @param amplitude     factor on the size of every motion (stride, swing, depth, height)
 * @param heading       starting heading, radians (0 faces +z)
 * @param originX       starting position and centre of the actor's area, x, metres
 * @param originZ       starting position and centre of the actor's area, z, metres
 * @param noiseSigma    standard deviation of the Gaussian noise added to each vertex coordinate, metres
 */
public record ActorParams(double bodyScale, double upperArmScale, double forearmScale, double thighScale,
        double shinScale, double speed, double amplitude, double heading, double originX, double originZ,
        double noiseSigma) {

    /** The template body at the origin, facing +z, at the nominal tempo and amplitude, without noise. */
    public static final ActorParams NEUTRAL = new ActorParams(1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);

    /** Checks every value. */
    public ActorParams {
        positive("bodyScale", bodyScale);
        positive("upperArmScale", upperArmScale);
        positive("forearmScale", forearmScale);
        positive("thighScale", thighScale);
        positive("shinScale", shinScale);
        positive("speed", speed);
        positive("amplitude", amplitude);
        finite("heading", heading);
        finite("originX", originX);
        finite("originZ", originZ);
        finite("noiseSigma", noiseSigma);
        if (noiseSigma < 0) {
            throw new IllegalArgumentException("noiseSigma must be >= 0, was " + noiseSigma);
        }
    }

    /**
     * Draws an actor: body scale 0.85-1.15, each limb proportion within +-5 %, speed 0.8-1.25,
     * amplitude 0.8-1.2, heading 0-2 pi, start within 3 m of the origin on each axis, noise sigma
     * 0.002-0.006 m. The same generator state gives the same actor.
     */
    public static ActorParams random(RandomGenerator rng) {
        double bodyScale = rng.nextDouble(0.85, 1.15);
        double upperArm = rng.nextDouble(0.95, 1.05);
        double forearm = rng.nextDouble(0.95, 1.05);
        double thigh = rng.nextDouble(0.95, 1.05);
        double shin = rng.nextDouble(0.95, 1.05);
        double speed = rng.nextDouble(0.8, 1.25);
        double amplitude = rng.nextDouble(0.8, 1.2);
        double heading = rng.nextDouble(0, 2 * Math.PI);
        double x = rng.nextDouble(-3, 3);
        double z = rng.nextDouble(-3, 3);
        double sigma = rng.nextDouble(0.002, 0.006);
        return new ActorParams(bodyScale, upperArm, forearm, thigh, shin, speed, amplitude, heading, x, z, sigma);
    }

    /** The same actor without vertex noise. */
    public ActorParams withoutNoise() {
        return new ActorParams(bodyScale, upperArmScale, forearmScale, thighScale, shinScale, speed, amplitude,
                heading, originX, originZ, 0);
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, was " + v);
        }
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, was " + v);
        }
    }
}
