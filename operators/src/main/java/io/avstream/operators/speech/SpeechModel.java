package io.avstream.operators.speech;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.models.TensorSpec;
import io.avstream.operators.audio.KaldiFbank;

/**
 * What the job needs to know of a speech model package around its graph, read and checked once: the tensors (a
 * variable-length filterbank input with its lengths; CTC scores, the speaker embedding and emotion scores out), the
 * filterbank and normalisation the model was trained with, the CTC symbols with the blank and word separator, how many
 * CTC frames an input of {@code T} filterbank frames gives ({@code 2 * ceil(T / 4)}, 20 ms each), the vocabulary the
 * model was trained on when the package names it ({@code postprocessing.ctc_vocabulary}), the speaker
 * verification threshold and the emotion names. A package that disagrees is refused, naming the field.
 */
public final class SpeechModel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Tensor names bound by the translator. */
    public static final String FBANK = "fbank";
    public static final String CTC = "ctc_logits";
    public static final String EMBEDDING = "speaker_embedding";
    public static final String EMOTION = "emotion_logits";
    /** Filterbank frames per CTC frame (x4 subsampling, x2 upsampling). */
    public static final int FRAMES_PER_CTC_FRAME = 2;

    private final KaldiFbank fbank;
    private final float mean;
    private final float std;
    private final CtcDecoder decoder;
    private final int embeddingSize;
    private final List<String> emotions;
    private final float verificationThreshold;
    private final String name;
    private final String version;

    private SpeechModel(ModelPackage pkg) {
        ModelManifest m = pkg.manifest();
        this.name = m.name();
        this.version = m.version();
        TensorSpec in = m.input(FBANK).orElseThrow(() -> refuse(pkg, "has no input '" + FBANK + "'"));
        if (in.rank() != 3 || in.lengthsInput() == null) {
            throw refuse(pkg, "input '" + FBANK + "' must be [batch, frames, bins] with a lengths input, is " + in);
        }
        TensorSpec ctc = output(pkg, CTC);
        TensorSpec emb = output(pkg, EMBEDDING);
        TensorSpec emo = output(pkg, EMOTION);
        JsonNode pre = m.preprocessing();
        int bins = (int) in.dim(2);
        KaldiFbank.Options options = KaldiFbank.Options.builder().sampleRate(number(pkg, pre, "sample_rate"))
                .numMelBins(bins).frameLengthMs(number(pkg, pre, "frame_length_ms"))
                .frameShiftMs(number(pkg, pre, "frame_shift_ms")).htkCompat(true).build();
        if (options.sampleRate() != SileroVad.RATE) {
            throw refuse(pkg, "preprocessing.sample_rate must be " + SileroVad.RATE + " (the voice activity's), is "
                    + options.sampleRate());
        }
        if ((int) number(pkg, pre, "num_mel_bins") != bins) {
            throw refuse(pkg, "preprocessing.num_mel_bins disagrees with input '" + FBANK + "' " + in);
        }
        this.fbank = new KaldiFbank(options);
        this.mean = (float) number(pkg, pre, "normalisation_mean");
        this.std = (float) number(pkg, pre, "normalisation_std");
        JsonNode post = m.postprocessing();
        List<String> symbols = pkg.labels();
        if (ctc.dim(ctc.rank() - 1) != symbols.size()) {
            throw refuse(pkg, "has " + symbols.size() + " CTC symbols for output '" + CTC + "' " + ctc);
        }
        List<String> vocabulary = new ArrayList<>();
        post.path("ctc_vocabulary").forEach(n -> vocabulary.add(n.asText()));
        try {
            this.decoder = new CtcDecoder(symbols, (int) number(pkg, post, "ctc_blank_index"),
                    text(pkg, post, "ctc_word_separator"), vocabulary);
        } catch (IllegalArgumentException e) {
            throw refuse(pkg, "postprocessing: " + e.getMessage());
        }
        this.embeddingSize = (int) emb.dim(emb.rank() - 1);
        this.verificationThreshold = (float) number(pkg, post, "speaker_verification_threshold");
        List<String> e = new ArrayList<>();
        post.path("emotion_labels").forEach(n -> e.add(n.asText()));
        if (e.size() != emo.dim(emo.rank() - 1)) {
            throw refuse(pkg, "postprocessing.emotion_labels has " + e.size() + " names for output '" + EMOTION + "' " + emo);
        }
        this.emotions = List.copyOf(e);
    }

    /** Reads and checks a speech package. */
    public static SpeechModel of(ModelPackage pkg) {
        return new SpeechModel(pkg);
    }

    /** The model's filterbank frames of a segment's 16 kHz samples, normalised as in training ({@code T x bins}). */
    public float[] input(float[] samples) {
        float[] x = new float[fbank.numFrames(samples.length) * fbank.numMelBins()];
        fbank.compute(samples, 0, samples.length, x);
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mean) / std;
        }
        return x;
    }

    /** Mel bins per frame. */
    public int bins() {
        return fbank.numMelBins();
    }

    /** Filterbank frames of {@code samples} samples. */
    public int frames(int samples) {
        return fbank.numFrames(samples);
    }

    /** CTC frames for {@code frames} filterbank frames. */
    public static int ctcFrames(int frames) {
        return FRAMES_PER_CTC_FRAME * ((frames + 3) / 4);
    }

    /** Microseconds per CTC frame. */
    public long ctcFrameUs() {
        return FRAMES_PER_CTC_FRAME * fbank.windowShift() * 1_000_000L / SileroVad.RATE;
    }

    public CtcDecoder decoder() {
        return decoder;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    public List<String> emotions() {
        return emotions;
    }

    /** The cosine score at which a segment is taken to be an enrolled speaker (calibrated at the validation EER). */
    public float verificationThreshold() {
        return verificationThreshold;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    private static TensorSpec output(ModelPackage pkg, String name) {
        return pkg.manifest().outputs().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> refuse(pkg, "has no output '" + name + "'"));
    }

    private static double number(ModelPackage pkg, JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isNumber()) {
            throw refuse(pkg, "needs the number '" + field + "' in its manifest");
        }
        return v.asDouble();
    }

    private static String text(ModelPackage pkg, JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            throw refuse(pkg, "needs the text '" + field + "' in its manifest");
        }
        return v.asText();
    }

    private static IllegalArgumentException refuse(ModelPackage pkg, String why) {
        return new IllegalArgumentException("speech model " + pkg.id() + " " + why);
    }
}
