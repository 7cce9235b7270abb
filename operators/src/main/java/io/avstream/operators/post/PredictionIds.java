package io.avstream.operators.post;

/** Deterministic prediction ids: the same stream, task, time and model version give the same id, so duplicates are visible. */
public final class PredictionIds {
    private PredictionIds() {}

    /** The id of a window's prediction: {@code stream/task/windowEndUs/model@version}. */
    public static String of(String streamId, String task, long windowEndUs, String modelName, String modelVersion) {
        return streamId + "/" + task + "/" + windowEndUs + "/" + modelName + "@" + modelVersion;
    }

    /** The id of an event record: the window id at the event's offset, then {@code /event/<class index>}. */
    public static String ofEvent(String streamId, String task, long offsetUs, String modelName, String modelVersion,
            int classIndex) {
        return of(streamId, task, offsetUs, modelName, modelVersion) + "/event/" + classIndex;
    }
}
