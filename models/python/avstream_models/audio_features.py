"""The model input of the audio-event models, as the job computes it: Kaldi log-mel filterbank of 16 kHz mono
audio with MAViL's settings (the job's ``KaldiFbank.mavil()`` equals it), cut or zero-padded to 1024 frames.
Normalisation is the model's first step in training and the job's translator's last (``mavil.normalise``)."""
from __future__ import annotations

import numpy as np
import torch
import torchaudio

from avstream_models.mavil import MEL_BINS, TARGET_FRAMES, pad_frames


def fbank(audio: np.ndarray) -> torch.Tensor:
    """[frames, 128] raw log-mel of 16 kHz mono float audio in [-1, 1] (no frames below 25 ms of audio)."""
    w = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)).unsqueeze(0)
    if w.shape[1] < 400:
        return torch.zeros(0, MEL_BINS)
    return torchaudio.compliance.kaldi.fbank(w, htk_compat=True, sample_frequency=16000, use_energy=False,
                                             window_type="hanning", num_mel_bins=MEL_BINS, dither=0.0,
                                             frame_shift=10)


def fbank_1024(audio: np.ndarray) -> torch.Tensor:
    """[1024, 128]: the frames of the audio, cut or zero-padded at the end."""
    return pad_frames(fbank(audio), TARGET_FRAMES)
