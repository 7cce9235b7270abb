/**
 * Speech on live audio: voice activity with the pretrained Silero VAD, each stream's audio converted to 16 kHz and cut
 * into 512-sample chunks with its recurrent state, context and endpointing memory in keyed state
 * ({@link io.avstream.operators.speech.VadStream}), the chunks of many streams scored in one batch
 * ({@link io.avstream.operators.speech.VoiceActivityOperator}), and Silero's endpointing rules with a maximum segment
 * length ({@link io.avstream.operators.speech.Endpointer}) turning probabilities into
 * {@link io.avstream.operators.speech.SpeechSegment}s.
 */
package io.avstream.operators.speech;
