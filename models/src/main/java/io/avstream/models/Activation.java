package io.avstream.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The activation that turns a model's first output into scores: softmax, sigmoid or none. */
public enum Activation {
    /** Single-label classification: scores sum to one over the labels. */
    SOFTMAX("softmax"),
    /** Multi-label classification: each label scored independently in [0, 1]. */
    SIGMOID("sigmoid"),
    /** Raw outputs (embeddings, CTC logits handled elsewhere, regression). */
    NONE("none");

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used in {@code model.json}. */
    public String id() {
        return id;
    }

    /** Whether the first output is a score per label, so a labels file is required. */
    public boolean needsLabels() {
        return this != NONE;
    }

    /** Parses a {@code model.json} name (case-insensitive); fails with the allowed values. */
    public static Activation parse(String id) {
        for (Activation a : values()) {
            if (a.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation must be one of " + ids() + ", was '" + id + "'");
    }

    static String ids() {
        return Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", ", "[", "]"));
    }
}
