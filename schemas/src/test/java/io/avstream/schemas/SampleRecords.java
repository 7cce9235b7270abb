package io.avstream.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/** Test records of every topic type, with named times. */
final class SampleRecords {

  static final long CAPTURE_US = 1_700_000_000_000_000L;
  static final long APPEND_US = CAPTURE_US + 2_000;
  static final long WINDOW_START_US = CAPTURE_US - 1_000_000;
  static final long WINDOW_END_US = CAPTURE_US + 1;
  static final long WINDOW_CLOSE_US = CAPTURE_US + 5_000;
  static final long INFERENCE_START_US = WINDOW_CLOSE_US + 3_000;
  static final long INFERENCE_END_US = INFERENCE_START_US + 12_000;
  static final long EMIT_US = INFERENCE_END_US + 500;

  private SampleRecords() {}

  static MocapFrame mocapFrame() {
    int vertices = 128;
    ByteBuffer xyz = ByteBuffer.allocate(vertices * 3 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < vertices * 3; i++) {
      xyz.putFloat(i * 0.01f);
    }
    return MocapFrame.newBuilder()
        .setStreamId("mocap-1")
        .setSeq(42)
        .setCaptureTimeUs(CAPTURE_US)
        .setTopology("avstream-humanoid-v1")
        .setVertexCount(vertices)
        .setLayout(VertexLayout.XYZ_F32LE)
        .setVertices(xyz.flip())
        .setAnnotation("walk")
        .build();
  }

  static AudioChunk audioChunk() {
    ByteBuffer pcm = ByteBuffer.allocate(1600 * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 1600; i++) {
      pcm.putShort((short) (1000 * Math.sin(i / 10.0)));
    }
    return AudioChunk.newBuilder()
        .setStreamId("mic-1")
        .setSeq(0)
        .setCaptureTimeUs(CAPTURE_US)
        .setSampleRate(16_000)
        .setChannels(1)
        .setEncoding(SampleEncoding.PCM_S16LE)
        .setSamples(pcm.flip())
        .build();
  }

  static VideoFrame videoFrame() {
    return VideoFrame.newBuilder()
        .setStreamId("cam-1")
        .setSeq(7)
        .setCaptureTimeUs(CAPTURE_US)
        .setWidth(2)
        .setHeight(1)
        .setEncoding(ImageEncoding.RGB24)
        .setData(ByteBuffer.wrap(new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0}))
        .setAnnotation(null)
        .build();
  }

  static LatencyRecord latency() {
    return LatencyRecord.newBuilder()
        .setCaptureTimeUs(CAPTURE_US)
        .setKafkaAppendTimeUs(APPEND_US)
        .setWindowCloseUs(WINDOW_CLOSE_US)
        .setInferenceStartUs(INFERENCE_START_US)
        .setInferenceEndUs(INFERENCE_END_US)
        .setBatchSize(8)
        .setQueueTimeUs(3_000)
        .setEmitTimeUs(EMIT_US)
        .build();
  }

  static Prediction prediction() {
    return Prediction.newBuilder()
        .setPredictionId("mic-1/speech/" + WINDOW_END_US + "/1.0.0")
        .setStreamId("mic-1")
        .setTask("speech")
        .setModelName("av-superb-probe")
        .setModelVersion("1.0.0")
        .setWindowStartUs(WINDOW_START_US)
        .setWindowEndUs(WINDOW_END_US)
        .setLabels(List.of(new Label(2, "angry", 0.7f, null), new Label(0, "neutral", 0.2f, null)))
        .setText("hello world")
        .setEmbedding(ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3f}))
        .setSpeaker(new SpeakerMatch("alice", 0.83f, true))
        .setAnnotation("angry")
        .setLatency(latency())
        .build();
  }

  static Prediction minimalPrediction() {
    return Prediction.newBuilder()
        .setPredictionId("mocap-1/action/" + WINDOW_END_US + "/1.0.0")
        .setStreamId("mocap-1")
        .setTask("action")
        .setModelName("stmt")
        .setModelVersion("1.0.0")
        .setWindowStartUs(WINDOW_START_US)
        .setWindowEndUs(WINDOW_END_US)
        .setLatency(latency())
        .build();
  }

  /** An audio-event record of schema release v3: tags and an event with AudioSet ids. */
  static Prediction audioEventPrediction() {
    Label siren = new Label(8, "Siren", 0.93f, "/m/03kmc9");
    return Prediction.newBuilder(minimalPrediction())
        .setPredictionId("cam-1/audio-events/" + WINDOW_END_US + "/mavil-small@0.1.0/event/8")
        .setStreamId("cam-1")
        .setTask("audio-events")
        .setLabels(List.of(siren))
        .setTags(List.of(siren))
        .setEvent(new AudioEvent(siren, WINDOW_START_US, WINDOW_END_US))
        .build();
  }

  /** A speech record of schema release v4: transcript, words with times, emotions, the speaker's match and label. */
  static Prediction speechPrediction() {
    return Prediction.newBuilder(minimalPrediction())
        .setPredictionId("mic-1/speech/" + WINDOW_END_US + "/speech-small@0.1.0")
        .setStreamId("mic-1")
        .setTask("speech")
        .setText("turn left")
        .setLabels(List.of(new Label(0, "neutral", 0.8f, null), new Label(1, "happy", 0.1f, null)))
        .setEmbedding(ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3f}))
        .setSpeaker(new SpeakerMatch("alice", 0.42f, false))
        .setSpeech(new SpeechDetail(true, WINDOW_START_US + 30_000, WINDOW_END_US - 30_000,
            List.of(new Word("turn", WINDOW_START_US + 40_000, WINDOW_START_US + 300_000),
                new Word("left", WINDOW_START_US + 360_000, WINDOW_START_US + 700_000)), "speaker-2"))
        .build();
  }

  /** An audio-visual window of schema release v5: the inputs its model saw. */
  static Prediction audioVisualPrediction() {
    return Prediction.newBuilder(minimalPrediction())
        .setPredictionId("cam-1/audio-events/" + WINDOW_END_US + "/mavil-av-small@0.1.0")
        .setStreamId("cam-1")
        .setTask("audio-events")
        .setModelName("mavil-av-small")
        .setInputs(PredictionInputs.AUDIO_AND_VIDEO)
        .build();
  }

  /** An enrolment by voice (release v4): a clip instead of an embedding. */
  static SpeakerEnrolment voiceEnrolment() {
    return SpeakerEnrolment.newBuilder(speakerEnrolment())
        .setSpeakerId("bob")
        .setEmbedding(ByteBuffer.allocate(0))
        .setAudio(ByteBuffer.wrap(new byte[] {1, 0, -1, -1, 0, 0}))
        .setAudioSampleRate(16_000)
        .build();
  }

  static SpeakerEnrolment speakerEnrolment() {
    return SpeakerEnrolment.newBuilder()
        .setSpeakerId("alice")
        .setDisplayName("Alice")
        .setModelName("av-superb-probe")
        .setModelVersion("1.0.0")
        .setEmbedding(ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3f}))
        .setEnrolledAtUs(CAPTURE_US)
        .build();
  }

  static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setReason(ReasonCode.UNDECODABLE.name())
        .setDetail("not Avro single-object encoding")
        .setSourceTopic(Topics.MOCAP)
        .setSourcePartition(3)
        .setSourceOffset(12345)
        .setSourceTimestampUs(APPEND_US)
        .setKey(ByteBuffer.wrap("mocap-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setPayloadSize(3)
        .setDeadLetteredAtUs(EMIT_US)
        .build();
  }

  /** One record of every topic type, with the minimal prediction as well. */
  static List<SpecificRecordBase> all() {
    return List.of(mocapFrame(), audioChunk(), videoFrame(), prediction(), minimalPrediction(),
        audioEventPrediction(), speechPrediction(), audioVisualPrediction(), speakerEnrolment(), voiceEnrolment(), deadLetter());
  }

  /** Simple names of the records that travel on a topic, i.e. those released as standalone files. */
  static final List<String> TOPIC_RECORDS = List.of(
      "MocapFrame", "AudioChunk", "VideoFrame", "Prediction", "SpeakerEnrolment", "DeadLetter");
}
