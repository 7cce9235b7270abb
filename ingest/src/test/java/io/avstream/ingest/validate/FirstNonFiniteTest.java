package io.avstream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The NaN/Inf scan of float32 payloads, two floats at a time, against a float-by-float reference. */
class FirstNonFiniteTest {

    private static final int[] BAD_BITS = {0x7fc00000, 0xffc00000, 0x7f800001, 0x7fffffff, 0x7f800000, 0xff800000};
    private static final int[] GOOD_BITS = {0x7f7fffff, 0xff7fffff, 0x00000001, 0x80000000, 0x3f800000, 0x7f000000,
        0x00800000, 0x7e800000};

    private static ByteBuffer payload(int[] bits, int leading) {
        ByteBuffer b = ByteBuffer.allocate(leading + bits.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.position(leading);
        for (int v : bits) {
            b.putInt(v);
        }
        b.position(leading);
        // big-endian order on the buffer handed over: the scan must read little-endian whatever the order
        return b.slice().order(ByteOrder.BIG_ENDIAN);
    }

    private static int reference(int[] bits) {
        for (int i = 0; i < bits.length; i++) {
            if (!Float.isFinite(Float.intBitsToFloat(bits[i]))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findsTheFirstNonFiniteFloatAtEveryPositionOfOddAndEvenLengths() {
        for (int n = 0; n <= 9; n++) {
            for (int leading : new int[] {0, 3, 4}) {
                int[] finite = new int[n];
                for (int i = 0; i < n; i++) {
                    finite[i] = GOOD_BITS[i % GOOD_BITS.length];
                }
                assertThat(RecordDecoder.firstNonFinite(payload(finite, leading))).as("n=%d all finite", n).isEqualTo(-1);
                for (int at = 0; at < n; at++) {
                    for (int bad : BAD_BITS) {
                        int[] bits = finite.clone();
                        bits[at] = bad;
                        if (at + 1 < n) {
                            bits[n - 1] = BAD_BITS[(at + 1) % BAD_BITS.length];
                        }
                        assertThat(RecordDecoder.firstNonFinite(payload(bits, leading)))
                                .as("n=%d, 0x%08x at %d, leading %d", n, bad, at, leading).isEqualTo(reference(bits));
                    }
                }
            }
        }
    }

    @Test
    void largestFiniteValuesAndSubnormalsAreFinite() {
        assertThat(RecordDecoder.firstNonFinite(payload(GOOD_BITS, 0))).isEqualTo(-1);
        assertThat(RecordDecoder.firstNonFinite(payload(new int[] {0x7f7fffff, 0x7f800000}, 0))).isEqualTo(1);
    }
}
