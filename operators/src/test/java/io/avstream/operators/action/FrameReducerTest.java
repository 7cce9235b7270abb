package io.avstream.operators.action;

import io.avstream.operators.window.ReducedFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.UpAxis;
import io.avstream.schemas.VertexLayout;
import org.junit.jupiter.api.Test;

class FrameReducerTest {
    private static final int VERTICES = 50;
    private static final int[] SUBSET = {3, 0, 49, 17};

    /** Random vertices in metres, y up, as x y z per vertex. */
    private static float[] mesh(long seed) {
        Random r = new Random(seed);
        float[] xyz = new float[VERTICES * 3];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = (float) (r.nextGaussian() * 0.6);
        }
        return xyz;
    }

    private static MocapFrame frame(float[] xyz, UpAxis up, LengthUnit unit) {
        ByteBuffer b = ByteBuffer.allocate(xyz.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(xyz);
        return MocapFrame.newBuilder().setStreamId("s").setSeq(7).setCaptureTimeUs(1_000L).setTopology("t")
                .setVertexCount(VERTICES).setLayout(VertexLayout.XYZ_F32LE).setVertices(b)
                .setUpAxis(up).setLengthUnit(unit).setAnnotation("wave").build();
    }

    @Test
    void keepsTheSubsetInItsOrder() {
        float[] xyz = mesh(1);
        ReducedFrame r = new FrameReducer(SUBSET, VERTICES).map(new Stamped<>(frame(xyz, UpAxis.Y_UP, LengthUnit.METRE), 5L));

        for (int i = 0; i < SUBSET.length; i++) {
            for (int c = 0; c < 3; c++) {
                assertThat(r.xyz[3 * i + c]).isEqualTo(xyz[3 * SUBSET[i] + c]);
            }
        }
        assertThat(r.streamId).isEqualTo("s");
        assertThat(r.seq).isEqualTo(7);
        assertThat(r.captureUs).isEqualTo(1_000L);
        assertThat(r.kafkaUs).isEqualTo(5_000L);
        assertThat(r.annotation).isEqualTo("wave");
    }

    @Test
    void turnsZUpAndSmallerUnitsIntoMetresYUp() {
        float[] yUpMetres = mesh(2);
        FrameReducer reducer = new FrameReducer(SUBSET, VERTICES);
        float[] expected = reducer.map(new Stamped<>(frame(yUpMetres, UpAxis.Y_UP, LengthUnit.METRE), 0L)).xyz;
        for (UpAxis up : UpAxis.values()) {
            for (LengthUnit unit : LengthUnit.values()) {
                float scale = unit == LengthUnit.METRE ? 1f : unit == LengthUnit.CENTIMETRE ? 100f : 1000f;
                float[] sent = new float[yUpMetres.length];
                for (int v = 0; v < VERTICES; v++) {
                    float x = yUpMetres[3 * v];
                    float y = yUpMetres[3 * v + 1];
                    float z = yUpMetres[3 * v + 2];
                    // z up, right-handed: the y-up frame turned by +90 degrees about x
                    sent[3 * v] = x * scale;
                    sent[3 * v + 1] = (up == UpAxis.Z_UP ? -z : y) * scale;
                    sent[3 * v + 2] = (up == UpAxis.Z_UP ? y : z) * scale;
                }

                float[] got = reducer.map(new Stamped<>(frame(sent, up, unit), 0L)).xyz;

                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as("%s %s coordinate %d", up, unit, i).isCloseTo(expected[i], within(1e-6f));
                }
            }
        }
    }

    @Test
    void zUpKeepsTheAxesRightHanded() {
        // x right and z up in the sender's frame: y (forward) x z (up) = x; the reader must keep x cross y = z
        float[] xyz = new float[VERTICES * 3];
        xyz[3 * 3] = 1f;          // vertex 3: +x
        xyz[3 * 0 + 1] = 1f;      // vertex 0: +y (forward when z is up)
        xyz[3 * 49 + 2] = 1f;     // vertex 49: +z (up)
        float[] r = new FrameReducer(SUBSET, VERTICES).map(new Stamped<>(frame(xyz, UpAxis.Z_UP, LengthUnit.METRE), 0L)).xyz;

        float[] expected = {
            1f, 0f, 0f,     // x stays x
            0f, 0f, -1f,    // forward becomes -z
            0f, 1f, 0f};    // up becomes +y
        for (int i = 0; i < 9; i++) {
            assertThat(r[i]).as("coordinate %d", i).isCloseTo(expected[i], within(0f));
        }
    }

    @Test
    void refusesASubsetOutsideTheMesh() {
        assertThatThrownBy(() -> new FrameReducer(new int[] {0, VERTICES}, VERTICES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 0.." + (VERTICES - 1));
    }
}
