package io.avstream.operators.inference;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings every translator reads: how many labels a prediction carries; and options of one task's translators, by
 * name (the speech translator's {@code ctc-decoding}, for example), which others ignore.
 *
 * @param topK    labels written per prediction (at least 1)
 * @param options a task's translator options, name to value
 */
public record TranslatorSettings(int topK, Map<String, String> options) implements Serializable {
    /** Checks the settings. */
    public TranslatorSettings {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, was " + topK);
        }
        options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** Settings without task options. */
    public TranslatorSettings(int topK) {
        this(topK, Map.of());
    }

    /** The option {@code name}, or {@code fallback} when it is not set. */
    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }
}
