/**
 * The audio-events pipeline's own classes: audio chunks brought to mono floats before the shuffle
 * ({@link io.avstream.operators.audioevents.AudioDownmix}), cut into one-hop slices by the windowing core
 * ({@link io.avstream.operators.audioevents.AudioSlicer}: re-ordering, duplicates, late chunks, clock jumps,
 * idle expiry), then per stream converted to the model's rate and turned into filterbank frames once, as they
 * arrive, with the model's windows cut from the newest frames every hop
 * ({@link io.avstream.operators.audioevents.AudioFrontEnd}). The generic windowing core and inference function
 * know nothing of these.
 */
package io.avstream.operators.audioevents;
