package io.avstream.operators.mocap;

import io.avstream.schemas.topology.MeshTopology;
import java.util.Arrays;

/** Geodesic distances on a mesh surface, approximated by shortest paths along the mesh edges. */
public final class GeodesicDistances {

    private GeodesicDistances() {}

    /**
     * Shortest-path (Dijkstra) distances over the template's edge graph, each edge weighted by its
     * Euclidean length in the template, between every pair of the given vertices.
     *
     * @param topology the mesh (its template is used)
     * @param subset   vertex indices
     * @return {@code subset.length x subset.length} distances, row-major, in template metres:
     *     symmetric, zero on the diagonal, finite
     * @throws IllegalArgumentException if a subset vertex is out of range or two of them are not connected
     */
    public static float[] compute(MeshTopology topology, int[] subset) {
        int n = topology.vertexCount();
        for (int s : subset) {
            if (s < 0 || s >= n) {
                throw new IllegalArgumentException("subset vertex " + s + " outside 0.." + (n - 1));
            }
        }
        Graph g = Graph.of(topology);
        int m = subset.length;
        float[] out = new float[m * m];
        double[] dist = new double[n];
        int[] heap = new int[n];
        int[] where = new int[n];
        for (int a = 0; a < m; a++) {
            g.shortestPaths(subset[a], dist, heap, where);
            for (int b = a; b < m; b++) {
                double d = dist[subset[b]];
                if (Double.isInfinite(d)) {
                    throw new IllegalArgumentException("topology " + topology.id() + ": vertex " + subset[b]
                            + " cannot be reached from vertex " + subset[a] + " along the mesh edges");
                }
                float f = (float) d;
                out[a * m + b] = f;
                out[b * m + a] = f;
            }
            out[a * m + a] = 0f;
        }
        return out;
    }

    /** The undirected edge graph of a mesh in compressed sparse rows. */
    private static final class Graph {
        final int[] start;
        final int[] target;
        final double[] length;

        private Graph(int[] start, int[] target, double[] length) {
            this.start = start;
            this.target = target;
            this.length = length;
        }

        static Graph of(MeshTopology t) {
            int n = t.vertexCount();
            int[] f = t.faces();
            float[] v = t.vertices();
            // collect both directions of every face edge, then sort and de-duplicate per vertex
            long[] keys = new long[f.length * 2];
            int k = 0;
            for (int i = 0; i < f.length; i += 3) {
                for (int e = 0; e < 3; e++) {
                    int a = f[i + e];
                    int b = f[i + (e + 1) % 3];
                    keys[k++] = ((long) a << 32) | b;
                    keys[k++] = ((long) b << 32) | a;
                }
            }
            Arrays.sort(keys);
            int unique = 0;
            for (int i = 0; i < keys.length; i++) {
                if (i == 0 || keys[i] != keys[i - 1]) {
                    keys[unique++] = keys[i];
                }
            }
            int[] start = new int[n + 1];
            int[] target = new int[unique];
            double[] length = new double[unique];
            for (int i = 0; i < unique; i++) {
                int a = (int) (keys[i] >>> 32);
                int b = (int) keys[i];
                start[a + 1]++;
                target[i] = b;
                double dx = v[3 * a] - v[3 * b];
                double dy = v[3 * a + 1] - v[3 * b + 1];
                double dz = v[3 * a + 2] - v[3 * b + 2];
                length[i] = Math.sqrt(dx * dx + dy * dy + dz * dz);
            }
            for (int i = 0; i < n; i++) {
                start[i + 1] += start[i];
            }
            return new Graph(start, target, length);
        }

        /** Dijkstra from one source with an indexed binary heap; fills dist (infinite where unreachable). */
        void shortestPaths(int source, double[] dist, int[] heap, int[] where) {
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            Arrays.fill(where, -1);
            int size = 0;
            dist[source] = 0;
            heap[size] = source;
            where[source] = size++;
            while (size > 0) {
                int u = heap[0];
                where[u] = -2;  // settled
                size--;
                if (size > 0) {
                    heap[0] = heap[size];
                    where[heap[0]] = 0;
                    siftDown(0, size, dist, heap, where);
                }
                for (int e = start[u]; e < start[u + 1]; e++) {
                    int w = target[e];
                    if (where[w] == -2) {
                        continue;
                    }
                    double d = dist[u] + length[e];
                    if (d < dist[w]) {
                        dist[w] = d;
                        if (where[w] == -1) {
                            heap[size] = w;
                            where[w] = size++;
                        }
                        siftUp(where[w], dist, heap, where);
                    }
                }
            }
        }

        private static void siftUp(int i, double[] dist, int[] heap, int[] where) {
            int x = heap[i];
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (dist[heap[p]] <= dist[x]) {
                    break;
                }
                heap[i] = heap[p];
                where[heap[i]] = i;
                i = p;
            }
            heap[i] = x;
            where[x] = i;
        }

        private static void siftDown(int i, int size, double[] dist, int[] heap, int[] where) {
            int x = heap[i];
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) {
                    break;
                }
                if (c + 1 < size && dist[heap[c + 1]] < dist[heap[c]]) {
                    c++;
                }
                if (dist[heap[c]] >= dist[x]) {
                    break;
                }
                heap[i] = heap[c];
                where[heap[i]] = i;
                i = c;
            }
            heap[i] = x;
            where[x] = i;
        }
    }
}
