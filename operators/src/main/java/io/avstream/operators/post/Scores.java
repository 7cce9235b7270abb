package io.avstream.operators.post;

import java.util.ArrayList;
import java.util.List;

import io.avstream.schemas.Label;

/** Turns a model's raw output into scores and the top-k labels; plain arithmetic, no engine. */
public final class Scores {
    private Scores() {}

    /** Numerically stable softmax. */
    public static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /** Element-wise logistic sigmoid (multi-label outputs). */
    public static float[] sigmoid(float[] logits) {
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
        }
        return p;
    }

    /** Indices of the k highest scores, highest first; ties go to the lower index. */
    public static int[] topK(float[] scores, int k) {
        int n = Math.min(k, scores.length);
        int[] idx = new int[n];
        boolean[] taken = new boolean[scores.length];
        for (int j = 0; j < n; j++) {
            int best = -1;
            for (int i = 0; i < scores.length; i++) {
                if (!taken[i] && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            idx[j] = best;
        }
        return idx;
    }

    /** The top-k labels with their scores, highest first. */
    public static List<Label> topLabels(float[] scores, List<String> names, int k) {
        return topLabels(scores, names, List.of(), k);
    }

    /** The same, each label with its ontology id where {@code ids} has one (empty: none). */
    public static List<Label> topLabels(float[] scores, List<String> names, List<String> ids, int k) {
        int[] idx = topK(scores, k);
        List<Label> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(label(i, scores[i], names, ids));
        }
        return out;
    }

    /** The labels whose scores are at or above their class's threshold, highest score first. */
    public static List<Label> tags(float[] scores, float[] thresholds, List<String> names, List<String> ids) {
        int[] idx = topK(scores, scores.length);
        List<Label> out = new ArrayList<>();
        for (int i : idx) {
            if (scores[i] >= thresholds[i]) {
                out.add(label(i, scores[i], names, ids));
            }
        }
        return out;
    }

    /** Label {@code i} with a score. */
    public static Label label(int i, float score, List<String> names, List<String> ids) {
        return Label.newBuilder().setIndex(i).setName(i < names.size() ? names.get(i) : Integer.toString(i))
                .setScore(score).setId(i < ids.size() ? ids.get(i) : null).build();
    }
}
