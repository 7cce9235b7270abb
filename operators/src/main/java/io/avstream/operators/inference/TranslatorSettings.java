package io.avstream.operators.inference;

import java.io.Serializable;

/**
 * Settings every translator reads: how many labels a prediction carries.
 *
 * @param topK labels written per prediction (at least 1)
 */
public record TranslatorSettings(int topK) implements Serializable {
    /** Checks the settings. */
    public TranslatorSettings {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, was " + topK);
        }
    }
}
