package io.avstream.models;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a package's weights came from, so that nobody mistakes a test model for a trained one. */
public enum WeightsKind {
    /** Randomly initialised: the graph is real, the predictions are not. */
    UNTRAINED("untrained"),
    /** Trained here on synthetic data only. */
    SYNTHETIC_TRAINED("synthetic-trained"),
    /** Converted from the authors' published checkpoint. */
    OFFICIAL_CONVERTED("official-converted"),
    /**
     * The authors' published, pretrained weights, unmodified, as a package of theirs or a redistribution
     * ships them (its name, version, file and licence in the manifest's provenance).
     */
    OFFICIAL_PRETRAINED("official-pretrained");

    private final String id;

    WeightsKind(String id) {
        this.id = id;
    }

    /** The name used in {@code model.json}. */
    public String id() {
        return id;
    }

    /** Parses a {@code model.json} name; fails with the allowed values. */
    public static WeightsKind parse(String id) {
        for (WeightsKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("weights.kind must be one of " + ids() + ", was '" + id + "'");
    }

    static String ids() {
        return Arrays.stream(values()).map(WeightsKind::id).collect(Collectors.joining(", ", "[", "]"));
    }
}
