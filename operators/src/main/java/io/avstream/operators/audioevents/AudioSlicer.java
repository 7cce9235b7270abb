package io.avstream.operators.audioevents;

import java.util.List;

import io.avstream.operators.window.StreamWindower;
import io.avstream.operators.window.WindowAssembler;
import io.avstream.operators.window.WindowSpec;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * An audio stream's chunks in time order, one slice of its clock at a time: the windowing core
 * ({@link StreamWindower}) with windows as long as their hop, so that each chunk is in exactly one slice.
 * The core re-orders chunks within the out-of-order bound, drops and counts duplicates and late chunks,
 * follows clock jumps and expires idle streams, as it does for every modality; {@link AudioFrontEnd} then
 * sees each stream's audio once, in order.
 */
public class AudioSlicer extends StreamWindower<PcmBlock, AudioSlice> {
    private static final long serialVersionUID = 1L;

    /** @param spec the slices: span = hop (the slice length), out-of-order bound, idle timeout */
    public AudioSlicer(WindowSpec spec) {
        super(requireSlices(spec), new Assembler());
    }

    private static WindowSpec requireSlices(WindowSpec spec) {
        if (spec.spanUs() != spec.hopUs()) {
            throw new IllegalArgumentException("audio slices must be as long as their hop (each chunk in one slice), got span "
                    + spec.spanUs() + " us and hop " + spec.hopUs() + " us");
        }
        return spec;
    }

    /** A slice is every chunk that starts in it. */
    static final class Assembler implements WindowAssembler<PcmBlock, AudioSlice> {
        private static final long serialVersionUID = 1L;

        @Override
        public TypeInformation<PcmBlock> frameType() {
            return TypeInformation.of(PcmBlock.class);
        }

        @Override
        public long timeUs(PcmBlock block) {
            return block.captureUs;
        }

        @Override
        public void beforeStore(PcmBlock block) {
            block.streamId = null; // the key says it
        }

        @Override
        public AudioSlice assemble(String streamId, long startUs, long endUs, List<PcmBlock> sorted, long closedAtUs) {
            AudioSlice s = new AudioSlice();
            s.streamId = streamId;
            s.startUs = startUs;
            s.endUs = endUs;
            s.blocks = sorted.toArray(new PcmBlock[0]);
            return s;
        }
    }
}
