"""speech-small: an AV-SUPERB-style speech model (ASR by character CTC, speaker embedding, emotion) in PyTorch.

The structure follows AV-SUPERB's downstream probes (roger-tseng/av-superb, downstream_tasks/av_asr, sv, emotion) on a
small upstream of the project's own:

    fbank [B, T, 80] (normalised log-mel, kaldi.fbank, 10 ms frames), fbank_len [B]
      -> upstream: zero-pad T to a multiple of 4 inside the graph, stack 4 frames (320) -> Linear(320, D)
         + sinusoidal positions -> N pre-norm Transformer encoder layers with a key-padding mask
         -> hidden states of every layer (index 0: the input projection), [N + 1, B, ceil(T / 4), D]
      -> featurizer per task (as AV-SUPERB / s3prl): softmax-weighted sum of the (layer-normalised) hidden states,
         Linear(D, 256)
      -> ASR: repeat each frame twice (x2 upsampling), 2 BiLSTM layers, Linear(2H, 32) -> log-softmax
         (2 * ceil(T / 4) frames, 20 ms each; CTC blank = index 0 `<s>`)
      -> speaker: masked mean over the valid frames (256) -> L2-normalised embedding (trained with AM-softmax)
      -> emotion: masked mean over the valid frames -> Linear(256, 4) logits (neutral, happy, angry, sad)

Padding invariance: a sample's outputs do not depend on the zero frames added after it when a batch is padded to
its longest member. Attention masks padded keys; pooling averages valid frames only; the BiLSTM's backward
direction is a forward LSTM over each sequence reversed within its own length (a gather with index len-1-t for
t < len, t otherwise), so padded frames always come after the valid ones in both directions.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

# fairseq Dictionary specials (bos, pad, eos, unk) then AV-SUPERB's character dictionary in its file order
# (roger-tseng/av-superb downstream_tasks/av_asr/char.dict); the CTC blank is the bos symbol, index 0.
SYMBOLS: List[str] = ["<s>", "<pad>", "</s>", "<unk>", "|", "E", "T", "A", "O", "I", "N", "S", "H", "R", "L", "D",
                      "U", "W", "M", "Y", "C", "G", "F", "P", "B", "V", "K", "'", "X", "J", "Z", "Q"]
BLANK = 0
SEPARATOR = SYMBOLS.index("|")
EMOTIONS: List[str] = ["neutral", "happy", "angry", "sad"]  # IEMOCAP order as in AV-SUPERB
STACK = 4


@dataclass
class SpeechConfig:
    mel_bins: int = 80
    stack: int = STACK
    dim: int = 144
    layers: int = 4
    heads: int = 4
    ff: int = 576
    dropout: float = 0.1
    proj_dim: int = 256          # featurizer projection (AV-SUPERB: Linear(upstream_dim, 256))
    lstm_hidden: int = 192       # per direction (AV-SUPERB: 1024)
    lstm_layers: int = 2
    lstm_dropout: float = 0.2
    num_symbols: int = len(SYMBOLS)
    num_emotions: int = len(EMOTIONS)
    upstream: str = "own"        # own (the transformer over fbank, trained) | speech-embedding (frozen, precomputed)

    def to_dict(self) -> dict:
        return asdict(self)


def output_frames(t: int) -> int:
    """CTC frames for an input of t fbank frames: 2 * ceil(t / 4)."""
    return 2 * ((t + STACK - 1) // STACK)


def encode_text(text: str) -> List[int]:
    """Lower- or upper-case words -> symbol ids, words joined by `|` (no leading or trailing separator)."""
    ids: List[int] = []
    for w in text.upper().split():
        if ids:
            ids.append(SEPARATOR)
        ids.extend(SYMBOLS.index(c) if c in SYMBOLS[5:] else SYMBOLS.index("<unk>") for c in w)
    return ids


def greedy_decode(log_probs, length: int = None) -> str:
    """Argmax per frame, collapse repeats, drop blanks, `|` -> space; lower case, single spaces.

    log_probs: [T, C] tensor or array (log-probabilities or logits); only the first ``length`` frames are read."""
    x = torch.as_tensor(log_probs)
    if length is not None:
        x = x[:length]
    ids = x.argmax(dim=-1).tolist()
    out = []
    prev = None
    for i in ids:
        if i != prev and i != BLANK:
            out.append(i)
        prev = i
    chars = []
    for i in out:
        s = SYMBOLS[i]
        if s == "|":
            chars.append(" ")
        elif i >= 4:
            chars.append(s)
        # <pad>, </s>, <unk> are dropped
    return " ".join("".join(chars).split()).lower()


def sinusoid(length_like: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal positions [L, dim] for the time axis of length_like [B, L, *] (computed in the graph)."""
    pos = torch.cumsum(torch.ones_like(length_like[0, :, 0]), dim=0) - 1.0            # [L] 0..L-1
    inv = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    ang = pos.unsqueeze(1) * inv.unsqueeze(0)                                            # [L, dim/2]
    return torch.stack([torch.sin(ang), torch.cos(ang)], dim=2).reshape(-1, dim)


class EncoderLayer(nn.Module):
    """Pre-norm Transformer encoder layer with explicit attention (no fused fast path, exports plainly)."""

    def __init__(self, dim: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.dim = dim
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.ff1 = nn.Linear(dim, ff)
        self.ff2 = nn.Linear(ff, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        # x [B, L, D]; key_bias [B, 1, 1, L]: 0 for valid keys, -1e9 for padded ones
        b = x.shape[0]
        d = self.dim
        hd = d // self.heads
        h = self.norm1(x)
        q, k, v = self.qkv(h).reshape(b, -1, 3, self.heads, hd).permute(2, 0, 3, 1, 4).unbind(0)  # [B, H, L, hd]
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(hd)) + key_bias
        att = self.drop(torch.softmax(att, dim=-1))
        h = torch.matmul(att, v).permute(0, 2, 1, 3).reshape(b, -1, d)
        x = x + self.drop(self.out(h))
        h = self.ff2(self.drop(F.gelu(self.ff1(self.norm2(x)))))
        return x + self.drop(h)


class Upstream(nn.Module):
    def __init__(self, cfg: SpeechConfig):
        super().__init__()
        self.cfg = cfg
        self.proj = nn.Linear(cfg.mel_bins * cfg.stack, cfg.dim)
        self.layers = nn.ModuleList(EncoderLayer(cfg.dim, cfg.heads, cfg.ff, cfg.dropout) for _ in range(cfg.layers))
        self.final_norm = nn.LayerNorm(cfg.dim)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, fbank: torch.Tensor, fbank_len: torch.Tensor) -> Tuple[List[torch.Tensor], torch.Tensor, torch.Tensor]:
        """-> (hidden states [layers + 1] x [B, L, D], lengths [B] (ceil(T/4)), valid mask [B, L] float)."""
        cfg = self.cfg
        b = fbank.shape[0]
        s = cfg.stack
        x = F.pad(fbank, (0, 0, 0, s - 1))                  # zeros: T + 3 frames
        t4 = (fbank.shape[1] + (s - 1)) // s * s
        x = x[:, :t4].reshape(b, -1, cfg.mel_bins * s)      # [B, L, 320]
        lengths = torch.div(fbank_len + (s - 1), s, rounding_mode="floor")
        steps = torch.cumsum(torch.ones_like(x[0, :, 0]), dim=0) - 1.0                    # [L]
        valid = (steps.unsqueeze(0) < lengths.unsqueeze(1).to(x.dtype)).to(x.dtype)    # [B, L]
        key_bias = ((1.0 - valid) * -1e9).reshape(b, 1, 1, -1)
        h = self.proj(x) + sinusoid(x, cfg.dim).unsqueeze(0)
        hidden = [h]
        h = self.drop(h)
        for i, layer in enumerate(self.layers):
            h = layer(h, key_bias)
            hidden.append(self.final_norm(h) if i == len(self.layers) - 1 else h)
        return hidden, lengths, valid


class PrecomputedUpstream(nn.Module):
    """A frozen pretrained upstream whose hidden states were computed beforehand (speech_embedding.py): the input
    x [B, L, D] is its one hidden state, one step per 40 ms like the own upstream's."""

    def forward(self, x: torch.Tensor, x_len: torch.Tensor) -> Tuple[List[torch.Tensor], torch.Tensor, torch.Tensor]:
        steps = torch.cumsum(torch.ones_like(x[0, :, 0]), dim=0) - 1.0
        valid = (steps.unsqueeze(0) < x_len.unsqueeze(1).to(x.dtype)).to(x.dtype)
        return [x], x_len, valid


UPSTREAM_DIMS = {"speech-embedding": 96}


def plain_layer_norm(h: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """F.layer_norm over the last axis without scale and bias, written out (torch 1.13 exports an affine-free
    layer_norm as an invalid LayerNormalization node)."""
    mu = h.mean(dim=-1, keepdim=True)
    c = h - mu
    return c / torch.sqrt((c * c).mean(dim=-1, keepdim=True) + eps)


class Featurizer(nn.Module):
    """AV-SUPERB/s3prl featurizer: softmax-weighted sum of the layer-normalised hidden states, then Linear(D, 256)."""

    def __init__(self, n_layers: int, dim: int, out_dim: int):
        super().__init__()
        self.dim = dim
        self.weights = nn.Parameter(torch.zeros(n_layers))
        self.proj = nn.Linear(dim, out_dim)

    def forward(self, hidden: Sequence[torch.Tensor]) -> torch.Tensor:
        w = torch.softmax(self.weights, dim=0)
        acc = None
        for i, h in enumerate(hidden):
            term = plain_layer_norm(h) * w[i]
            acc = term if acc is None else acc + term
        return self.proj(acc)


def reverse_within_length(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """x [B, T, C]: each row's first lengths[b] steps reversed, the padded steps left in place (an involution)."""
    t = torch.cumsum(torch.ones_like(x[0, :, 0], dtype=torch.long), dim=0) - 1          # [T]
    n = lengths.unsqueeze(1)                                                            # [B, 1]
    idx = torch.where(t.unsqueeze(0) < n, n - 1 - t.unsqueeze(0), t.unsqueeze(0))       # [B, T]
    return torch.gather(x, 1, idx.unsqueeze(2).expand(-1, -1, x.shape[2]))


class MaskedBiLSTM(nn.Module):
    """Bidirectional LSTM layers that ignore the padding after each sequence (no packing needed)."""

    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.fwd = nn.ModuleList()
        self.bwd = nn.ModuleList()
        d = in_dim
        for _ in range(layers):
            self.fwd.append(nn.LSTM(d, hidden, batch_first=True))
            self.bwd.append(nn.LSTM(d, hidden, batch_first=True))
            d = 2 * hidden
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        for i, (f, b) in enumerate(zip(self.fwd, self.bwd)):
            if i > 0:
                x = self.drop(x)
            yf, _ = f(x)
            yb, _ = b(reverse_within_length(x, lengths))
            x = torch.cat([yf, reverse_within_length(yb, lengths)], dim=2)
        return x


def masked_mean(x: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """x [B, L, C], valid [B, L] (1/0) -> [B, C] mean over the valid steps."""
    w = valid / valid.sum(dim=1, keepdim=True).clamp(min=1.0)
    return torch.matmul(w.unsqueeze(1), x).squeeze(1)


def l2_normalise(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """F.normalize(x, dim=1, eps=eps), written with broadcasting so that the exported graph keeps the width."""
    return x / torch.sqrt((x * x).sum(dim=1, keepdim=True)).clamp(min=eps)


class SpeechModel(nn.Module):
    """forward(fbank [B, T, 80], fbank_len [B] int64) -> (ctc_log_probs [B, 2*ceil(T/4), 32],
    speaker_embedding [B, 256] L2-normalised, emotion_logits [B, 4])."""

    def __init__(self, cfg: SpeechConfig = None):
        super().__init__()
        cfg = cfg or SpeechConfig()
        self.cfg = cfg
        if cfg.upstream == "own":
            n, dim = cfg.layers + 1, cfg.dim
            self.upstream = Upstream(cfg)
        else:
            n, dim = 1, UPSTREAM_DIMS[cfg.upstream]
            self.upstream = PrecomputedUpstream()
        self.feat_asr = Featurizer(n, dim, cfg.proj_dim)
        self.feat_spk = Featurizer(n, dim, cfg.proj_dim)
        self.feat_emo = Featurizer(n, dim, cfg.proj_dim)
        self.lstm = MaskedBiLSTM(cfg.proj_dim, cfg.lstm_hidden, cfg.lstm_layers, cfg.lstm_dropout)
        self.asr_drop = nn.Dropout(cfg.lstm_dropout)
        self.asr_out = nn.Linear(2 * cfg.lstm_hidden, cfg.num_symbols)
        self.emo_out = nn.Linear(cfg.proj_dim, cfg.num_emotions)

    def heads(self, fbank: torch.Tensor, fbank_len: torch.Tensor):
        """-> ctc log-probs [B, 2L, C], their lengths [B], un-normalised speaker vector [B, 256], emotion logits."""
        hidden, lengths, valid = self.upstream(fbank, fbank_len)
        b = fbank.shape[0]
        a = self.feat_asr(hidden)                                               # [B, L, 256]
        a = torch.stack([a, a], dim=2).reshape(b, -1, self.cfg.proj_dim)        # x2: [B, 2L, 256]
        a = self.lstm(a, 2 * lengths)
        ctc = torch.log_softmax(self.asr_out(self.asr_drop(a)), dim=-1)
        spk = masked_mean(self.feat_spk(hidden), valid)
        emo = self.emo_out(masked_mean(self.feat_emo(hidden), valid))
        return ctc, 2 * lengths, spk, emo

    def forward(self, fbank: torch.Tensor, fbank_len: torch.Tensor):
        ctc, _, spk, emo = self.heads(fbank, fbank_len)
        return ctc, l2_normalise(spk), emo


class AMSoftmax(nn.Module):
    """Additive-margin softmax (CosFace): s * (cos - m) for the target class; s=30, m=0.4 as in AV-SUPERB."""

    def __init__(self, dim: int, classes: int, s: float = 30.0, m: float = 0.4):
        super().__init__()
        self.s = s
        self.m = m
        self.weight = nn.Parameter(torch.randn(classes, dim) * 0.01)

    def forward(self, x: torch.Tensor, target: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        cos = F.linear(F.normalize(x, dim=1), F.normalize(self.weight, dim=1))
        margin = F.one_hot(target, cos.shape[1]).to(cos.dtype) * self.m
        logits = self.s * (cos - margin)
        return F.cross_entropy(logits, target), cos


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------------------------------------------------
# front end (outside the graph; Java: KaldiFbank with the same settings)
# ------------------------------------------------------------------------------------------------------------

SAMPLE_RATE = 16000
FBANK_KWARGS = dict(window_type="hanning", num_mel_bins=80, dither=0.0, sample_frequency=16000, frame_length=25,
                    frame_shift=10, use_energy=False, htk_compat=True)
FBANK_CALL = ("torchaudio.compliance.kaldi.fbank(wave_1xN, window_type='hanning', num_mel_bins=80, dither=0.0, "
              "sample_frequency=16000, frame_length=25, frame_shift=10, use_energy=False, htk_compat=True)")


def fbank(wave) -> torch.Tensor:
    """16 kHz mono waveform in [-1, 1] (no mean subtraction) -> log-mel [T, 80], T = 1 + (N - 400) // 160."""
    import torchaudio
    w = torch.as_tensor(wave, dtype=torch.float32).reshape(1, -1)
    return torchaudio.compliance.kaldi.fbank(w, **FBANK_KWARGS)
