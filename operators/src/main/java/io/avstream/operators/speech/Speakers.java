package io.avstream.operators.speech;

import java.util.Arrays;
import java.util.Map;

/**
 * Who is speaking: a segment's embedding against the enrolled speakers (cosine similarity, the best one, accepted at
 * the calibrated threshold), and, for speakers nobody enrolled, stable anonymous labels within one stream by online
 * clustering of its segments' embeddings ({@link Clusters}). Embeddings are L2-normalised float vectors. Plain code.
 */
public final class Speakers {
    private Speakers() {}

    /** The best enrolled speaker for a segment: its id, the cosine score, and whether it reached the threshold. */
    public record Match(String speakerId, float score, boolean accepted) {}

    /** Cosine similarity of two vectors of equal length (their dot product over their norms; 0 for a zero vector). */
    public static float cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of " + a.length + " and " + b.length + " values");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }

    /**
     * The enrolled speaker closest to {@code embedding} (ties to the smaller id, so that the answer does not depend on
     * the map's order), or null when nobody is enrolled.
     */
    public static Match best(float[] embedding, Map<String, float[]> enrolled, float threshold) {
        String bestId = null;
        float best = Float.NEGATIVE_INFINITY;
        for (Map.Entry<String, float[]> e : enrolled.entrySet()) {
            float s = cosine(embedding, e.getValue());
            if (s > best || (s == best && e.getKey().compareTo(bestId) < 0)) {
                best = s;
                bestId = e.getKey();
            }
        }
        return bestId == null ? null : new Match(bestId, best, best >= threshold);
    }

    /** Whether {@code v} is L2-normalised within {@code tolerance} and finite. */
    public static boolean normalised(float[] v, double tolerance) {
        double n = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
            n += (double) x * x;
        }
        return Math.abs(Math.sqrt(n) - 1) <= tolerance;
    }

    /**
     * Online clustering of one stream's segment embeddings into anonymous speakers: a segment joins the cluster whose
     * centroid (the normalised mean of its members) is the most similar, when that similarity reaches the threshold;
     * otherwise it opens a new cluster, labelled {@code speaker-1}, {@code speaker-2}, ... in order of appearance. At
     * the cluster bound it joins the most similar cluster anyway. Deterministic: the same segments in the same order
     * give the same labels.
     */
    public static final class Clusters {
        private final float threshold;
        private final int maxClusters;

        public Clusters(float threshold, int maxClusters) {
            if (maxClusters < 1) {
                throw new IllegalArgumentException("maxClusters must be positive, was " + maxClusters);
            }
            this.threshold = threshold;
            this.maxClusters = maxClusters;
        }

        /** Assigns a segment's embedding and returns its anonymous label. */
        public String assign(State s, float[] embedding) {
            int d = embedding.length;
            if (s.sums == null || s.counts.length == 0) {
                s.sums = new float[0];
                s.counts = new int[0];
                s.dim = d;
            }
            if (d != s.dim) {
                throw new IllegalArgumentException("embedding of " + d + " values, the stream's clusters have " + s.dim);
            }
            int k = s.counts.length;
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                float score = cosine(embedding, Arrays.copyOfRange(s.sums, c * d, (c + 1) * d));
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            if (best < 0 || (bestScore < threshold && k < maxClusters)) {
                s.sums = Arrays.copyOf(s.sums, (k + 1) * d);
                s.counts = Arrays.copyOf(s.counts, k + 1);
                best = k;
            }
            for (int i = 0; i < d; i++) {
                s.sums[best * d + i] += embedding[i];
            }
            s.counts[best]++;
            return label(best);
        }

        /** The label of cluster {@code c} (0-based). */
        public static String label(int c) {
            return "speaker-" + (c + 1);
        }

        /** A stream's clusters. A Flink POJO for keyed state. */
        public static final class State {
            /** Embedding size. */
            public int dim;
            /** Per cluster, the sum of its members' embeddings ({@code clusters x dim}). */
            public float[] sums;
            /** Per cluster, its members. */
            public int[] counts;

            public State() {}
        }
    }
}
