"""Trains speech-small (character CTC + speaker AM-softmax + emotion) on speech_data.py's set and evaluates it.

    cd models/python && /usr/bin/python3 -m avstream_models.speech_data --out /tmp/speech-data
    /usr/bin/python3 models/python/train_speech.py --data /tmp/speech-data --out /tmp/speech-train

Front end: torchaudio's kaldi.fbank (80 mel bins, 25/10 ms, hanning, htk_compat, no dither, no energy) of the 16 kHz
waveform in [-1, 1], then (x - MEAN) / STD with two scalars measured on the training split; batches padded with
zeros after normalisation (as the Java runtime pads). Multi-task loss: CTC (blank 0) + w_spk * AM-softmax (s=30,
m=0.4) over the training speakers + w_emo * cross-entropy; SpecAugment-style masks on training batches only.
AdamW, linear warm-up then cosine; fixed seeds; torch.set_num_threads(2).

After every epoch the validation split is scored (WER on val phrases, EER among the val voices, which are unseen in
training, emotion accuracy); the best epoch by WER + EER + emotion error is kept. Then the speaker-verification
threshold is set at the validation EER point and the test split is evaluated:
  * WER on test phrases, spoken by training voices ("seen") and by held-out voices ("unseen")
  * EER over all pairs of test utterances of the held-out voices (targets: same voice, impostors: other voices), and
    over all pairs of the training voices' test utterances; FAR/FRR at the validation threshold
  * emotion accuracy (and confusion matrix) for both groups
Writes OUT/model.pt (state_dict of the best epoch), OUT/metrics.json, OUT/last.pt.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from avstream_models.ctc_vocabulary import VocabularyDecoder  # noqa: E402
from avstream_models.speech_data import VOCABULARY  # noqa: E402
from avstream_models.speech_model import (AMSoftmax, BLANK, EMOTIONS, SYMBOLS, SpeechConfig, SpeechModel,  # noqa
                                          count_parameters, encode_text, fbank, greedy_decode, l2_normalise,
                                          FBANK_CALL)


# WER is reported for greedy decoding and for decoding restricted to the training vocabulary (what the job does)
VOCABULARY_DECODER = VocabularyDecoder(VOCABULARY, SYMBOLS, BLANK)

# ------------------------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------------------------

class Split:
    def __init__(self, path: str, upstream: str = "own", cache: str = None):
        z = np.load(path)
        self.offsets = z["offsets"]
        audio = z["audio"]
        self.waves = [audio[self.offsets[i]:self.offsets[i + 1]] for i in range(len(self.offsets) - 1)]
        self.text = [str(t) for t in z["text"]]
        self.speaker = z["speaker"].astype(np.int64)
        self.emotion = z["emotion"].astype(np.int64)
        self.group = [str(g) for g in z["group"]]
        if upstream == "own":
            self.feats: List[torch.Tensor] = [fbank(w.astype(np.float32) / 32768.0) for w in self.waves]
        elif cache and os.path.exists(cache):
            self.feats = torch.load(cache)
        else:
            # the frozen pretrained upstream's hidden state, computed once (40 ms hop, as the own upstream's steps)
            from avstream_models.speech_embedding import SpeechEmbedding
            up = SpeechEmbedding(hop=4)
            self.feats = [up(w.astype(np.float32) / 32768.0) for w in self.waves]
            if cache:
                torch.save(self.feats, cache)

    def __len__(self):
        return len(self.text)

    def normalise(self, mean: float, std: float):
        self.feats = [(f - mean) / std for f in self.feats]


def pad_batch(feats: List[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
    lens = torch.tensor([f.shape[0] for f in feats], dtype=torch.long)
    x = torch.zeros(len(feats), int(lens.max()), feats[0].shape[1])
    for i, f in enumerate(feats):
        x[i, :f.shape[0]] = f
    return x, lens


def spec_augment(x: torch.Tensor, lens: torch.Tensor, rng: random.Random, frame_ms: int = 10) -> torch.Tensor:
    """2 time masks of <= 100 ms (and <= 1/8 of the length) and 2 feature masks of <= 1/8 of the features."""
    x = x.clone()
    most_t = max(1, 100 // frame_ms)
    dims = x.shape[2]
    most_f = dims // 8
    for b in range(x.shape[0]):
        n = int(lens[b])
        for _ in range(2):
            w = rng.randint(0, min(most_t, max(1, n // 8)))
            s = rng.randint(0, max(0, n - w))
            x[b, s:s + w] = 0
        for _ in range(2):
            w = rng.randint(0, most_f)
            s = rng.randint(0, dims - w)
            x[b, :n, s:s + w] = 0
    return x


def batches_by_length(lengths: List[int], batch: int, rng: random.Random, shuffle: bool) -> List[List[int]]:
    idx = list(range(len(lengths)))
    if shuffle:
        rng.shuffle(idx)
        # sort by length with a little noise so that batches differ between epochs
        idx.sort(key=lambda i: lengths[i] * (1 + 0.1 * rng.random()))
    else:
        idx.sort(key=lambda i: lengths[i])
    out = [idx[i:i + batch] for i in range(0, len(idx), batch)]
    if shuffle:
        rng.shuffle(out)
    return out


# ------------------------------------------------------------------------------------------------------------
# metrics
# ------------------------------------------------------------------------------------------------------------

def edit_distance(a: List[str], b: List[str]) -> int:
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            cur = d[j]
            d[j] = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev = cur
    return d[len(b)]


def wer(hyps: List[str], refs: List[str]) -> float:
    errors = sum(edit_distance(h.split(), r.split()) for h, r in zip(hyps, refs))
    return errors / max(1, sum(len(r.split()) for r in refs))


def cer(hyps: List[str], refs: List[str]) -> float:
    errors = sum(edit_distance(list(h), list(r)) for h, r in zip(hyps, refs))
    return errors / max(1, sum(len(r) for r in refs))


def eer(emb: np.ndarray, spk: np.ndarray) -> Dict[str, float]:
    """All pairs i < j: targets same speaker. -> EER, the cosine threshold at the EER point, trial counts."""
    s = emb @ emb.T
    iu = np.triu_indices(len(spk), 1)
    return eer_of(s[iu], (spk[:, None] == spk[None, :])[iu])


def enrolled_vs_heldout(emb: np.ndarray, spk: np.ndarray, group: np.ndarray, threshold: float) -> Dict[str, float]:
    """The issue's verification trials: targets are pairs of held-out utterances of one enrolled (training) voice,
    impostors pair an enrolled voice's utterance with a held-out voice's. -> EER and FAR/FRR at the threshold."""
    seen, unseen = np.where(group == "seen")[0], np.where(group == "unseen")[0]
    s = emb @ emb.T
    iu = np.triu_indices(len(seen), 1)
    tg = s[np.ix_(seen, seen)][iu][(spk[seen][:, None] == spk[seen][None, :])[iu]]
    imp = s[np.ix_(seen, unseen)].ravel()
    r = eer_of(np.concatenate([tg, imp]), np.concatenate([np.ones(len(tg), bool), np.zeros(len(imp), bool)]))
    r["at_validation_threshold"] = {"far": float((imp >= threshold).mean()), "frr": float((tg < threshold).mean())}
    return r


def eer_of(scores: np.ndarray, target: np.ndarray) -> Dict[str, float]:
    order = np.argsort(-scores, kind="stable")
    scores, target = scores[order], target[order]
    nt, ni = int(target.sum()), int((~target).sum())
    # accepting the first k trials (scores >= scores[k-1])
    far = np.cumsum(~target) / max(1, ni)
    frr = 1 - np.cumsum(target) / max(1, nt)
    k = int(np.argmin(np.abs(far - frr)))
    return {"eer": float((far[k] + frr[k]) / 2), "threshold": float(scores[k]), "targets": nt, "impostors": ni}


def far_frr(emb: np.ndarray, spk: np.ndarray, threshold: float) -> Dict[str, float]:
    s = emb @ emb.T
    iu = np.triu_indices(len(spk), 1)
    scores = s[iu]
    target = (spk[:, None] == spk[None, :])[iu]
    return {"far": float((scores[~target] >= threshold).mean()), "frr": float((scores[target] < threshold).mean())}


@torch.no_grad()
def run_model(model: SpeechModel, split: Split, idx: List[int], batch: int = 64):
    """-> transcripts (greedy), transcripts (vocabulary decoding), embeddings [n, 256], emotion logits [n, 4] (in
    the order of idx)."""
    model.eval()
    hyps = [""] * len(idx)
    vocab_hyps = [""] * len(idx)
    emb = np.zeros((len(idx), model.cfg.proj_dim), dtype=np.float32)
    emo = np.zeros((len(idx), len(EMOTIONS)), dtype=np.float32)
    order = sorted(range(len(idx)), key=lambda k: split.feats[idx[k]].shape[0])
    for s in range(0, len(order), batch):
        ks = order[s:s + batch]
        x, lens = pad_batch([split.feats[idx[k]] for k in ks])
        ctc, ctc_len, spk, e = model.heads(x, lens)
        emb_b = l2_normalise(spk)   # as SpeechModel.forward
        for j, k in enumerate(ks):
            hyps[k] = greedy_decode(ctc[j], int(ctc_len[j]))
            vocab_hyps[k] = VOCABULARY_DECODER.decode(ctc[j].numpy(), int(ctc_len[j]))[0]
            emb[k] = emb_b[j].numpy()
            emo[k] = e[j].numpy()
    return hyps, vocab_hyps, emb, emo


def evaluate(model: SpeechModel, split: Split, groups: List[str], threshold: float = None,
             detail: bool = False) -> Dict:
    out = {}
    for g in groups:
        idx = [i for i in range(len(split)) if split.group[i] == g]
        hyps, vocab_hyps, emb, emo = run_model(model, split, idx)
        refs = [split.text[i] for i in idx]
        spk = split.speaker[idx]
        y = split.emotion[idx]
        pred = emo.argmax(1)
        r = {"utterances": len(idx), "speakers": int(len(set(spk.tolist()))), "wer": wer(hyps, refs),
             "wer_vocabulary_decoding": wer(vocab_hyps, refs), "cer_vocabulary_decoding": cer(vocab_hyps, refs),
             "cer": cer(hyps, refs), "sentence_accuracy": float(np.mean([h == t for h, t in zip(hyps, refs)])),
             "emotion_accuracy": float((pred == y).mean()), "verification": eer(emb, spk)}
        if threshold is not None:
            r["verification"]["at_validation_threshold"] = far_frr(emb, spk, threshold)
        if detail:
            conf = np.zeros((len(EMOTIONS), len(EMOTIONS)), dtype=int)
            for a, b in zip(y, pred):
                conf[a, b] += 1
            r["emotion_confusion"] = conf.tolist()
            r["examples"] = [{"ref": refs[k], "hyp": hyps[k]} for k in range(min(12, len(idx)))]
            r["errors"] = [{"ref": refs[k], "hyp": hyps[k], "speaker": int(spk[k])}
                           for k in range(len(idx)) if hyps[k] != refs[k]][:40]
            r["_spk"] = spk
            r["_hyps"] = hyps
            r["_vocab_hyps"] = vocab_hyps
            r["_refs"] = refs
        out[g] = r
    return out


# ------------------------------------------------------------------------------------------------------------
# training
# ------------------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=int, default=300, help="warm-up steps")
    ap.add_argument("--w-spk", type=float, default=0.3)
    ap.add_argument("--w-emo", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared 2-core machine)")
    ap.add_argument("--max-minutes", type=float, default=42.0, help="stop after the epoch that passes this")
    ap.add_argument("--limit", type=int, default=0, help="use only this many training utterances (smoke runs)")
    ap.add_argument("--init", help="start from this state_dict (e.g. --epochs 0 to only evaluate)")
    ap.add_argument("--lstm-hidden", type=int, default=SpeechConfig.lstm_hidden)
    ap.add_argument("--dim", type=int, default=SpeechConfig.dim)
    ap.add_argument("--layers", type=int, default=SpeechConfig.layers)
    ap.add_argument("--upstream", choices=["own", "speech-embedding"], default="own",
                    help="own: the small transformer over fbank, trained with the heads; speech-embedding: Google's "
                         "pretrained network (frozen; avstream_models/speech_embedding.py), only the heads trained")
    args = ap.parse_args(argv)
    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    train, val, test = (Split(os.path.join(args.data, f"{s}.npz"), args.upstream,
                              None if args.upstream == "own" else os.path.join(args.out, f"features-{s}.pt"))
                        for s in ("train", "val", "test"))
    if args.limit:
        keep = list(range(min(args.limit, len(train))))
        for k in ("waves", "text", "feats", "group"):
            setattr(train, k, [getattr(train, k)[i] for i in keep])
        train.speaker, train.emotion = train.speaker[keep], train.emotion[keep]
    if args.upstream == "own":
        allf = torch.cat(train.feats)
        mean, std = float(allf.mean()), float(allf.std())
        mean, std = float(np.float32(round(mean, 6))), float(np.float32(round(std, 6)))
        for s in (train, val, test):
            s.normalise(mean, std)
    else:
        mean, std = 0.0, 1.0   # the featurizer layer-normalises each step of the hidden state
    frame_ms = 10 if args.upstream == "own" else 40
    t_data = time.time() - t_start
    print(f"data: train {len(train)}, val {len(val)}, test {len(test)}; fbank mean {mean} std {std}; "
          f"{t_data:.0f} s", flush=True)

    train_speakers = sorted(set(train.speaker.tolist()))
    spk_index = {s: i for i, s in enumerate(train_speakers)}
    cfg = SpeechConfig(lstm_hidden=args.lstm_hidden, dim=args.dim, layers=args.layers, ff=4 * args.dim,
                       upstream=args.upstream)
    model = SpeechModel(cfg)
    amsm = AMSoftmax(cfg.proj_dim, len(train_speakers))
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu"))
    params = list(model.parameters()) + list(amsm.parameters())
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    lengths = [f.shape[0] for f in train.feats]
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = max(1, args.epochs * steps_per_epoch)

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = min(1.0, (step - args.warmup) / max(1, total - args.warmup))
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))

    targets = [torch.tensor(encode_text(t), dtype=torch.long) for t in train.text]
    history = []
    best = None
    best_state = None
    step = 0
    print(f"model: {count_parameters(model)} parameters (+{count_parameters(amsm)} AM-softmax, training only); "
          f"{len(train_speakers)} training speakers; {steps_per_epoch} steps per epoch", flush=True)
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.time()
        sums = {"ctc": 0.0, "spk": 0.0, "emo": 0.0, "n": 0}
        for ids in batches_by_length(lengths, args.batch, rng, shuffle=True):
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            x, lens = pad_batch([train.feats[i] for i in ids])
            x = spec_augment(x, lens, rng, frame_ms)
            ctc, ctc_len, spk, emo = model.heads(x, lens)
            tg = [targets[i] for i in ids]
            tl = torch.tensor([len(t) for t in tg], dtype=torch.long)
            l_ctc = F.ctc_loss(ctc.transpose(0, 1), torch.cat(tg), ctc_len, tl, blank=0, zero_infinity=True)
            l_spk, _ = amsm(spk, torch.tensor([spk_index[int(train.speaker[i])] for i in ids]))
            l_emo = F.cross_entropy(emo, torch.tensor(train.emotion[ids]))
            loss = l_ctc + args.w_spk * l_spk + args.w_emo * l_emo
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            step += 1
            sums["ctc"] += float(l_ctc)
            sums["spk"] += float(l_spk)
            sums["emo"] += float(l_emo)
            sums["n"] += 1
        t_train = time.time() - t0
        ev = evaluate(model, val, ["seen", "unseen"])
        score = (ev["seen"]["wer"] + ev["unseen"]["wer"]) / 2 + ev["unseen"]["verification"]["eer"] + \
            (1 - (ev["seen"]["emotion_accuracy"] + ev["unseen"]["emotion_accuracy"]) / 2)
        rec = {"epoch": epoch, "step": step, "lr": lr_at(step - 1),
               **{f"loss_{k}": sums[k] / max(1, sums["n"]) for k in ("ctc", "spk", "emo")},
               "val_wer_seen": ev["seen"]["wer"], "val_wer_unseen": ev["unseen"]["wer"],
               "val_eer_unseen": ev["unseen"]["verification"]["eer"],
               "val_emotion_seen": ev["seen"]["emotion_accuracy"], "val_emotion_unseen": ev["unseen"]["emotion_accuracy"],
               "score": score, "train_seconds": round(t_train, 1), "eval_seconds": round(time.time() - t0 - t_train, 1)}
        history.append(rec)
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()}), flush=True)
        if best is None or score < best["score"]:
            best = rec
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
            torch.save(best_state, os.path.join(args.out, "model.pt"))
        torch.save(model.state_dict(), os.path.join(args.out, "last.pt"))
        if (time.time() - t_start) / 60 > args.max_minutes and epoch < args.epochs:
            print(f"time budget of {args.max_minutes} min reached after epoch {epoch}; stopping", flush=True)
            break
    t_training = time.time() - t_start
    if best_state is not None:
        model.load_state_dict(best_state)
    elif not args.init:
        print("no epoch trained", flush=True)
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))

    ev_val = evaluate(model, val, ["seen", "unseen"])
    threshold = ev_val["unseen"]["verification"]["threshold"]
    ev_test = evaluate(model, test, ["seen", "unseen"], threshold=threshold, detail=True)
    _, _, emb_all, _ = run_model(model, test, list(range(len(test))))
    mixed = enrolled_vs_heldout(emb_all, test.speaker, np.array(test.group), threshold)
    speakers = meta["speakers"]
    for g in ("seen", "unseen"):
        r = ev_test[g]
        by_engine = {}
        for h, v, t, s in zip(r.pop("_hyps"), r.pop("_vocab_hyps"), r.pop("_refs"), r.pop("_spk")):
            e = by_engine.setdefault(speakers[int(s)]["engine"], ([], [], []))
            e[0].append(h)
            e[1].append(v)
            e[2].append(t)
        r["wer_by_engine"] = {e: {"wer": wer(h, t), "wer_vocabulary_decoding": wer(v, t), "utterances": len(t)}
                              for e, (h, v, t) in sorted(by_engine.items())}
    metrics = {
        "test": ev_test,
        "validation": {g: {k: v for k, v in ev_val[g].items()} for g in ev_val},
        "speaker_threshold": threshold,
        "verification_enrolled_vs_heldout_impostors": mixed,
        "summary": {
            "wer_heldout_phrases_training_voices": ev_test["seen"]["wer"],
            "wer_heldout_phrases_heldout_voices": ev_test["unseen"]["wer"],
            "wer_vocabulary_decoding_heldout_phrases_training_voices": ev_test["seen"]["wer_vocabulary_decoding"],
            "wer_vocabulary_decoding_heldout_phrases_heldout_voices": ev_test["unseen"]["wer_vocabulary_decoding"],
            "eer_heldout_voices": ev_test["unseen"]["verification"]["eer"],
            "eer_training_voices_heldout_utterances": ev_test["seen"]["verification"]["eer"],
            "eer_enrolled_voices_vs_heldout_impostors": mixed["eer"],
            "emotion_accuracy_training_voices": ev_test["seen"]["emotion_accuracy"],
            "emotion_accuracy_heldout_voices": ev_test["unseen"]["emotion_accuracy"],
            "speaker_threshold_cosine": threshold,
            "validation_eer": ev_val["unseen"]["verification"]["eer"],
        },
        "normalisation": {"mean": mean, "std": std},
        "fbank": FBANK_CALL,
        "config": cfg.to_dict(),
        "parameters": count_parameters(model),
        "parameters_am_softmax_training_only": count_parameters(amsm),
        "training": {"epochs_run": len(history), "epochs_planned": args.epochs, "best_epoch": best["epoch"] if best else None,
                     "batch": args.batch, "lr": args.lr, "weight_decay": args.weight_decay, "warmup_steps": args.warmup,
                     "loss_weights": {"ctc": 1.0, "speaker_am_softmax": args.w_spk, "emotion": args.w_emo},
                     "am_softmax": {"s": amsm.s, "m": amsm.m, "classes": len(train_speakers)},
                     "seed": args.seed, "threads": args.threads, "train_utterances": len(train),
                     "spec_augment": "2 time masks (<= 100 ms, <= 1/8 of the length) and 2 feature masks (<= 1/8 of the "
                                     "features: 10 of 80 mel bins), value 0",
                     "schedule": "AdamW, linear warm-up then cosine to 2 % of lr, grad-norm clip 5",
                     "data_seconds": round(t_data, 1), "training_seconds": round(t_training, 1),
                     "history": history,
                     "command": "/usr/bin/python3 models/python/train_speech.py --data DATA --out OUT" + "".join(
                         f" --{k.replace('_', '-')} {v}" for k, v in vars(args).items()
                         if k not in ("data", "out", "init") and v != ap.get_default(k))},
        "data": {k: meta[k] for k in ("seed", "command", "phrases", "splits")},
        "torch": torch.__version__,
        "wall_seconds": round(time.time() - t_start, 1),
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1)
    print(json.dumps(metrics["summary"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
