package io.avstream.operators.action;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.operators.window.MocapWindow;
import io.avstream.operators.window.ReducedFrame;
import io.avstream.operators.window.StreamWindower;
import io.avstream.operators.window.WindowAssembler;
import io.avstream.operators.window.WindowSpec;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The MoCap windows of the action pipeline: the windowing core ({@link StreamWindower}) over frames
 * reduced to the model's vertex subset ({@link FrameReducer}); a window holding at least
 * {@link WindowSpec#minFrames()} frames becomes a {@link MocapWindow} of the model's
 * {@link WindowSpec#frames()} frames picked at the bin midpoints of the window, with the majority
 * annotation of its frames.
 */
public class MocapWindower extends StreamWindower<ReducedFrame, MocapWindow> {
    private static final long serialVersionUID = 1L;

    /** @param spec window span, hop, out-of-order bound, frame count and coverage */
    public MocapWindower(WindowSpec spec) {
        super(spec, new Assembler(spec.frames(), spec.minFrames()));
    }

    /** Picks the model's frames of a window. */
    static final class Assembler implements WindowAssembler<ReducedFrame, MocapWindow> {
        private static final long serialVersionUID = 1L;
        private final int frames;
        private final int minFrames;

        Assembler(int frames, int minFrames) {
            this.frames = frames;
            this.minFrames = minFrames;
        }

        @Override
        public TypeInformation<ReducedFrame> frameType() {
            return TypeInformation.of(ReducedFrame.class);
        }

        @Override
        public long timeUs(ReducedFrame frame) {
            return frame.captureUs;
        }

        @Override
        public void beforeStore(ReducedFrame frame) {
            frame.streamId = null; // the key says it; not stored once per frame
        }

        @Override
        public MocapWindow assemble(String streamId, long start, long end, List<ReducedFrame> sorted, long closedAtUs) {
            int n = sorted.size();
            if (n < minFrames) {
                return null;
            }
            long[] times = new long[n];
            for (int i = 0; i < n; i++) {
                times[i] = sorted.get(i).captureUs;
            }
            int[] picks = StmtPreprocessor.selectFrames(times, start, end, frames);
            int stride = sorted.get(0).xyz.length;
            float[] points = new float[picks.length * stride];
            for (int i = 0; i < picks.length; i++) {
                System.arraycopy(sorted.get(picks[i]).xyz, 0, points, i * stride, stride);
            }
            ReducedFrame last = sorted.get(n - 1);
            MocapWindow w = new MocapWindow();
            w.streamId = streamId;
            w.startUs = start;
            w.endUs = end;
            w.frameCount = n;
            w.points = points;
            w.frames = picks.length;
            w.lastCaptureUs = last.captureUs;
            w.lastKafkaUs = last.kafkaUs;
            w.closedAtUs = closedAtUs;
            w.annotation = majority(sorted);
            return w;
        }

        private static String majority(List<ReducedFrame> sorted) {
            Map<String, Integer> counts = new HashMap<>();
            String best = null;
            int bestCount = 0;
            for (ReducedFrame f : sorted) {
                String a = f.annotation;
                if (a == null) {
                    continue;
                }
                int c = counts.merge(a, 1, Integer::sum);
                if (c > bestCount) {
                    best = a;
                    bestCount = c;
                }
            }
            return best;
        }
    }
}
