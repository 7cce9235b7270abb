/**
 * Audio feature extraction for the audio models, in plain Java (no Flink, no inference engine):
 * the Kaldi-compatible log-mel filterbank of {@link io.avstream.operators.audio.KaldiFbank}, equal
 * to {@code torchaudio.compliance.kaldi.fbank} for the options it supports.
 */
package io.avstream.operators.audio;
