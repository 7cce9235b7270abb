package io.avstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.avstream.models.ModelPackage;
import io.avstream.operators.action.StmtPreprocessing;
import org.junit.jupiter.api.Test;

class StateFootprintTest {

    @Test
    void windowerStateOfAMocapStreamStaysUnder100KB() throws Exception {
        StmtPreprocessing stmt = StmtPreprocessing.of(ModelPackage.fromClasspath("stmt-small"));
        StateFootprint.Result r = StateFootprint.measure(stmt, 20, Duration.ofSeconds(2));

        // 2 s at 25 fps, none closed yet: every frame is still buffered
        assertThat(r.framesPerStream()).isEqualTo(50);
        assertThat(r.bufferedFramesPerStream()).isEqualTo(50.0);
        // each buffered frame holds at least its 128 x 3 floats
        assertThat(r.snapshotBytesPerStream()).isGreaterThan(50.0 * 128 * 3 * 4);
        assertThat(r.snapshotBytesPerStream()).isLessThanOrEqualTo(100 * 1024.0);
        System.out.printf("windower state per stream: %.0f bytes in a checkpoint, %.0f bytes of heap%n",
                r.snapshotBytesPerStream(), r.heapBytesPerStream());
    }
}
