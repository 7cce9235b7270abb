package io.avstream.schemas;

/** The {@link LengthUnit} of MoCap vertex coordinates (schema release v2 and later) against metres. */
public final class LengthUnits {
    private LengthUnits() {}

    /** How many of the unit make one metre: 1, 100 or 1000; null (no unit given) counts as metres. */
    public static float perMetre(LengthUnit unit) {
        if (unit == null) {
            return 1f;
        }
        return switch (unit) {
            case METRE -> 1f;
            case CENTIMETRE -> 100f;
            case MILLIMETRE -> 1000f;
        };
    }
}
