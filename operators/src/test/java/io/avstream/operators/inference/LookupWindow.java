package io.avstream.operators.inference;

/** A test window for the tiny-lookup model: which table row to look up, and whether translating it should fail. */
public class LookupWindow {
    public String streamId;
    public long endUs;
    public long index;
    public boolean failPrediction;

    public LookupWindow() {}

    public LookupWindow(String streamId, long endUs, long index, boolean failPrediction) {
        this.streamId = streamId;
        this.endUs = endUs;
        this.index = index;
        this.failPrediction = failPrediction;
    }

    @Override
    public String toString() {
        return "LookupWindow{" + streamId + " end=" + endUs + " index=" + index + "}";
    }
}
