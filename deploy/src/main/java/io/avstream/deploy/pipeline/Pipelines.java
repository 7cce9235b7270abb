package io.avstream.deploy.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The registered pipelines ({@code META-INF/services/io.avstream.deploy.pipeline.Pipeline}), by name. */
public final class Pipelines {
    private Pipelines() {}

    /** Every registered pipeline, by name. */
    public static Map<String, Pipeline> all() {
        Map<String, Pipeline> m = new LinkedHashMap<>();
        for (Pipeline p : ServiceLoader.load(Pipeline.class, Pipelines.class.getClassLoader())) {
            if (m.put(p.name(), p) != null) {
                throw new IllegalStateException("two pipelines are named '" + p.name() + "'");
            }
        }
        return m;
    }

    /**
     * The pipelines of these names, in order (an entry may hold several, comma-separated: Flink lists are
     * separated by semicolons, users write commas).
     *
     * @throws IllegalArgumentException for an unknown or repeated name, or none, listing the known ones
     */
    public static List<Pipeline> named(List<String> names) {
        Map<String, Pipeline> all = all();
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("no pipeline configured (known: " + all.keySet() + ")");
        }
        List<String> split = new ArrayList<>();
        for (String n : names) {
            for (String part : n.split(",")) {
                if (!part.isBlank()) {
                    split.add(part.strip());
                }
            }
        }
        List<Pipeline> out = new ArrayList<>();
        for (String n : split) {
            Pipeline p = all.get(n.strip());
            if (p == null) {
                throw new IllegalArgumentException("unknown pipeline '" + n + "' (known: " + all.keySet() + ")");
            }
            if (out.contains(p)) {
                throw new IllegalArgumentException("pipeline '" + n + "' is listed twice");
            }
            out.add(p);
        }
        return out;
    }
}
