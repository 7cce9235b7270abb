package io.avstream.operators.mocap;

import io.avstream.schemas.topology.MeshTopology;

/**
 * Units of the geodesic-distance input of the STMT models. {@link #STMT} is the one place that
 * decides it; change it there if the models are trained with other units.
 */
public enum GeodesicScale {
    /**
     * Geodesic metres divided by the template's bounding-box y-extent: the units of the per-clip
     * normalised points (whose y-extent is 1).
     */
    TEMPLATE_Y_EXTENT {
        @Override
        public float factor(MeshTopology template) {
            float h = template.yExtent();
            if (!(h > 0)) {
                throw new IllegalArgumentException("topology " + template.id() + " has no height to normalise by");
            }
            return 1f / h;
        }
    },
    /** Geodesic distances in metres on the template, unscaled. */
    METRES {
        @Override
        public float factor(MeshTopology template) {
            return 1f;
        }
    };

    /**
     * The scale the STMT models expect: metres on the mesh surface, unscaled, as the published
     * pipeline computes them (see models/python/STMT_NOTES.md). The model only ranks each row to
     * pick neighbours, so a uniform scale would not change its output.
     */
    public static final GeodesicScale STMT = METRES;

    /** The factor that turns template metres into these units. */
    public abstract float factor(MeshTopology template);
}
