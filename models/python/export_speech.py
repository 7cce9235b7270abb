"""Builds the speech-small package (ONNX, model.json, labels.txt) and its golden vectors from train_speech.py's output.

    /usr/bin/python3 models/python/export_speech.py --state /tmp/speech-train/model.pt \
        --metrics /tmp/speech-train/metrics.json --data /tmp/speech-data

writes
  models/packages/speech-small/{model.onnx, model.json, labels.txt}
  models/src/test/resources/golden/speech-small/{wave_i, fbank_i, ctc_logits_i, speaker_embedding_i,
                                                  emotion_logits_i}.f32 (i = 0, 1, 2) and README.md
(--package-dir / --golden-dir write them elsewhere; --random exports seeded random weights of the same signature
without data, for tests of the plumbing only.)

Graph: inputs fbank float32 [B, T, 80] (normalised log-mel, zero-padded after each sample's length) and fbank_len
int64 [B]; outputs ctc_logits float32 [B, 2*ceil(T/4), 32] (log-softmax: log-probabilities; frames past
2*ceil(fbank_len/4) are padding), speaker_embedding float32 [B, 256] (L2-normalised), emotion_logits float32 [B, 4]
(raw logits: neutral, happy, angry, sad).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from avstream_models.packaging import sha256  # noqa: E402
from avstream_models.speech_data import VOCABULARY  # noqa: E402
from avstream_models.speech_model import (EMOTIONS, FBANK_CALL, SYMBOLS, SpeechConfig, SpeechModel,  # noqa: E402
                                          count_parameters, fbank, greedy_decode, output_frames)

NAME = "speech-small"
PACKAGE_DIR = os.path.join(REPO, "models", "packages", NAME)
GOLDEN_DIR = os.path.join(REPO, "models", "src", "test", "resources", "golden", NAME)
OPSET = 17
INPUTS = ["fbank", "fbank_len"]
OUTPUTS = ["ctc_logits", "speaker_embedding", "emotion_logits"]
BUCKETS = [150, 300, 500, 800, 1200, 2000]
CTC_DECODING = ("vocabulary (the job's default): the most likely path (Viterbi) through a loop of the words of "
                "ctc_vocabulary (the training vocabulary) in the CTC topology, words separated by '|' or a blank "
                "(avstream_models/ctc_vocabulary.py, Java CtcDecoder.decodeVocabulary); greedy: argmax per valid "
                "frame, collapse repeats, drop blanks (index 0) and the other specials (<pad>, </s>, <unk>), '|' -> "
                "space, collapse spaces, trim; letters are upper case in labels.txt (the training texts are lower case)")
LICENCE = ("avstream project; weights made by this project from speech it synthesises with espeak-ng (GPL-3), flite "
           "(BSD-like) and festival with the ked diphone voice (festvox-kdlpc16k, free licence), resampled and mixed "
           "with sox (GPL/LGPL) and numpy; no third-party weights, no recorded speech. The synthesised audio is not "
           "redistributed")


def example_inputs(lengths=(37, 50), seed: int = 123):
    g = torch.Generator().manual_seed(seed)
    t = max(lengths)
    x = torch.randn(len(lengths), t, 80, generator=g)
    for i, n in enumerate(lengths):
        x[i, n:] = 0
    return x, torch.tensor(lengths, dtype=torch.long)


def export_onnx(model: SpeechModel, path: str) -> None:
    model.eval()
    x, lens = example_inputs()
    with torch.no_grad():
        torch.onnx.export(model, (x, lens), path, input_names=INPUTS, output_names=OUTPUTS,
                          dynamic_axes={"fbank": {0: "batch", 1: "frames"}, "fbank_len": {0: "batch"},
                                        "ctc_logits": {0: "batch", 1: "ctc_frames"},
                                        "speaker_embedding": {0: "batch"}, "emotion_logits": {0: "batch"}},
                          opset_version=OPSET, do_constant_folding=True)
    check_onnx(path)


def check_onnx(path: str) -> None:
    """onnx.checker, the names, and symbolic batch/time axes (no dimension fixed by the trace)."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    names = [i.name for i in m.graph.input], [o.name for o in m.graph.output]
    if names != (INPUTS, OUTPUTS):
        raise AssertionError(f"graph inputs/outputs {names}")
    expect = {"fbank": ["batch", "frames", 80], "fbank_len": ["batch"], "ctc_logits": ["batch", "ctc_frames", 32],
              "speaker_embedding": ["batch", 256], "emotion_logits": ["batch", 4]}
    for vi in list(m.graph.input) + list(m.graph.output):
        dims = [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]
        if dims != expect[vi.name]:
            raise AssertionError(f"{vi.name}: dims {dims}, expected {expect[vi.name]}")


def write_labels(path: str) -> None:
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(SYMBOLS) + "\n")


def manifest(model: SpeechModel, out_dir: str, version: str, weights: dict, norm: dict, threshold: float,
             provenance: dict, description: str) -> dict:
    cfg = model.cfg
    return {
        "format": 1,
        "name": NAME,
        "version": version,
        "task": "speech",
        "architecture": "AV-SUPERB-probes",
        "description": description,
        "weights": weights,
        "inputs": [{"name": "fbank", "dtype": "float32", "shape": [-1, -1, cfg.mel_bins], "lengths": "fbank_len",
                    "buckets": BUCKETS},
                   {"name": "fbank_len", "dtype": "int64", "shape": [-1]}],
        "outputs": [{"name": "ctc_logits", "dtype": "float32", "shape": [-1, -1, cfg.num_symbols]},
                    {"name": "speaker_embedding", "dtype": "float32", "shape": [-1, cfg.proj_dim]},
                    {"name": "emotion_logits", "dtype": "float32", "shape": [-1, cfg.num_emotions]}],
        "activation": "none",
        "labels": "labels.txt",
        "preprocessing": {
            "sample_rate": 16000,
            "fbank": FBANK_CALL,
            "fbank_note": ("kaldi: htk_compat, hanning window, 25 ms frames every 10 ms (snip edges: T = 1 + (N - 400) "
                           "// 160 frames for N samples), 80 mel bins, no dither, no energy, log of mel power; the "
                           "waveform is 16 kHz mono float in [-1, 1] (int16 / 32768) without mean subtraction"),
            "num_mel_bins": cfg.mel_bins,
            "frame_shift_ms": 10,
            "frame_length_ms": 25,
            "window": "hanning",
            "normalisation_mean": norm["mean"],
            "normalisation_std": norm["std"],
            "normalisation": "(x - normalisation_mean) / normalisation_std, both scalars (all bins and frames)",
            "padding": "zeros after each sample's fbank_len frames, after normalisation; outputs do not depend on it",
            "subsampling": cfg.stack,
            "ctc_frames": "2 * ceil(T / 4)",
            "ctc_frame_shift_ms": 20,
        },
        "postprocessing": {
            "ctc_output": ("log-softmax over the 32 symbols of labels.txt (log-probabilities); only the first "
                           "2 * ceil(fbank_len / 4) frames of a sample are valid"),
            "ctc_blank_index": 0,
            "ctc_word_separator": "|",
            "ctc_decoding": CTC_DECODING,
            "ctc_vocabulary": VOCABULARY,
            "speaker_embedding": "L2-normalised; compare two utterances by cosine similarity (dot product)",
            "speaker_verification_threshold": threshold,
            "speaker_verification_threshold_note": ("cosine similarity at the equal-error-rate point on the validation "
                                                    "voices (never heard in training); same speaker when >= threshold"),
            "emotion_output": "raw logits; softmax for probabilities",
            "emotion_labels": EMOTIONS,
        },
        "provenance": dict({"torch": torch.__version__, "opset": OPSET, "licence": LICENCE,
                            "config": dict(cfg.to_dict(),
                                           lstm_note=(f"BiLSTM hidden width {cfg.lstm_hidden} per direction "
                                                      "(AV-SUPERB: 1024), reduced for CPU"),
                                           featurizer="softmax-weighted sum of the layer-normalised hidden states "
                                                      f"(input projection + {cfg.layers} layers), one weight vector "
                                                      "per task, then Linear(D, 256)"),
                            "parameters": count_parameters(model),
                            "symbols_source": ("fairseq Dictionary specials <s> <pad> </s> <unk>, then "
                                               "roger-tseng/av-superb downstream_tasks/av_asr/char.dict in file order; "
                                               "CTC blank = dictionary.bos() = 0 as in its expert.py")}, **provenance),
        "sha256": {f: sha256(os.path.join(out_dir, f)) for f in ("model.onnx", "labels.txt")},
    }


def upstream_comparison(own: dict, other_path: str) -> dict:
    """The test numbers of the same heads, data and schedule on both upstreams, per task, and which one ships."""
    with open(other_path) as f:
        other = json.load(f)

    def numbers(m):
        t = m["test"]
        return {"upstream": m["config"].get("upstream", "own"), "parameters_trained": m["parameters"],
                "command": m["training"]["command"], "epochs_run": m["training"]["epochs_run"],
                "best_epoch": m["training"]["best_epoch"], "training_seconds": m["training"]["training_seconds"],
                **{f"{k}_{g}": round(v, 4) for g, name in (("training_voices", "seen"), ("heldout_voices", "unseen"))
                   for k, v in (("wer", t[name]["wer"]), ("wer_vocabulary_decoding", t[name]["wer_vocabulary_decoding"]),
                                ("eer", t[name]["verification"]["eer"]),
                                ("emotion_accuracy", t[name]["emotion_accuracy"]))}}
    a, b = numbers(own), numbers(other)
    best = {}
    for task, key, lower in (("asr", "wer_vocabulary_decoding", True), ("speaker", "eer", True),
                             ("emotion", "emotion_accuracy", False)):
        score = {u["upstream"]: u[f"{key}_heldout_voices"] + u[f"{key}_training_voices"] for u in (a, b)}
        best[task] = (min if lower else max)(score, key=score.get)
    return {"same": "heads, data (speech_data.py seed 23), seed 0, schedule and epochs; only the upstream differs",
            "upstreams": [a, b], "better_per_task": best,
            "note": ("speech-embedding: Google's pretrained speech_embedding (models/python/upstreams/speech_embedding, "
                     "Apache-2.0) frozen, its 96-d output every 40 ms as the one hidden state of the weighted sum; own: "
                     "the small Transformer over fbank, trained with the heads")}


def write_manifest(out_dir: str, m: dict) -> None:
    with open(os.path.join(out_dir, "model.json"), "w", newline="\n") as f:
        json.dump(m, f, indent=2)
        f.write("\n")


def pick_golden(data_dir: str, model: SpeechModel, mean: float, std: float):
    """Three test utterances of held-out voices, about 1.1, 1.8 and 2.6 s long (first match, correctly decoded if
    possible)."""
    z = np.load(os.path.join(data_dir, "test.npz"))
    off, audio, text, group = z["offsets"], z["audio"], z["text"], z["group"]
    speakers = json.load(open(os.path.join(data_dir, "meta.json")))["speakers"]
    picked = []
    for lo, hi in ((0.95, 1.3), (1.6, 2.0), (2.4, 2.9)):
        fallback = None
        for i in range(len(text)):
            n = off[i + 1] - off[i]
            if group[i] != "unseen" or not (lo * 16000 <= n <= hi * 16000) or i in [p[0] for p in picked]:
                continue
            wave = audio[off[i]:off[i + 1]].astype(np.float32) / 32768.0
            x = (fbank(wave) - mean) / std
            with torch.no_grad():
                ctc, _, _ = model(x.unsqueeze(0), torch.tensor([x.shape[0]]))
            ok = greedy_decode(ctc[0]) == str(text[i])
            if fallback is None:
                fallback = i
            if ok:
                fallback = i
                break
        picked.append((fallback, audio[off[fallback]:off[fallback + 1]].astype(np.float32) / 32768.0,
                       str(text[fallback]), int(z["emotion"][fallback]), speakers[int(z["speaker"][fallback])]["name"]))
    return picked


def write_golden(model: SpeechModel, out_dir: str, items, mean: float, std: float, note: str) -> list:
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    rows = []
    embs = []
    feats = []
    for k, (idx, wave, ref, emo, spk) in enumerate(items):
        x = (fbank(wave) - mean) / std
        with torch.no_grad():
            ctc, emb, el = model(x.unsqueeze(0), torch.tensor([x.shape[0]], dtype=torch.long))
        wave.astype("<f4").tofile(os.path.join(out_dir, f"wave_{k}.f32"))
        x.numpy().astype("<f4").tofile(os.path.join(out_dir, f"fbank_{k}.f32"))
        ctc[0].numpy().astype("<f4").tofile(os.path.join(out_dir, f"ctc_logits_{k}.f32"))
        emb[0].numpy().astype("<f4").tofile(os.path.join(out_dir, f"speaker_embedding_{k}.f32"))
        el[0].numpy().astype("<f4").tofile(os.path.join(out_dir, f"emotion_logits_{k}.f32"))
        t = x.shape[0]
        assert ctc.shape[1] == output_frames(t)
        rows.append({"i": k, "samples": len(wave), "T": t, "ctc_frames": output_frames(t), "ref": ref,
                     "hyp": greedy_decode(ctc[0]), "emotion": EMOTIONS[emo], "emotion_pred": EMOTIONS[int(el[0].argmax())],
                     "speaker": spk, "test_index": int(idx) if idx is not None else None})
        embs.append(emb[0])
        feats.append(x)
    # padding invariance on the golden inputs: all three in one zero-padded batch
    t = max(f.shape[0] for f in feats)
    xb = torch.zeros(len(feats), t, feats[0].shape[1])
    for k, f in enumerate(feats):
        xb[k, :f.shape[0]] = f
    with torch.no_grad():
        cb, eb, lb = model(xb, torch.tensor([f.shape[0] for f in feats], dtype=torch.long))
    worst = 0.0
    for k, f in enumerate(feats):
        n = output_frames(f.shape[0])
        single = np.fromfile(os.path.join(out_dir, f"ctc_logits_{k}.f32"), dtype="<f4").reshape(n, -1)
        worst = max(worst, float(np.abs(cb[k, :n].numpy() - single).max()),
                    float(np.abs(eb[k].numpy() - embs[k].numpy()).max()))
    cos = [[float(embs[a] @ embs[b]) for b in range(len(embs))] for a in range(len(embs))]
    lines = [f"# Golden vectors of {NAME}", "",
             f"Inputs and PyTorch outputs (torch {torch.__version__}, eval mode) of the package's `model.onnx`, each "
             f"utterance run alone (batch 1), for checking the Java front end (KaldiFbank + normalisation) and the "
             f"ONNX Runtime path. Made by `models/python/export_speech.py`; {note}. Raw little-endian float32, "
             "row-major.", "",
             "| file | shape | content |", "|---|---|---|",
             "| `wave_i.f32` | [N_i] | 16 kHz mono waveform in [-1, 1] (int16 / 32768) |",
             "| `fbank_i.f32` | [T_i, 80] | the model input `fbank`: kaldi.fbank of the waveform, then (x - mean) / std "
             "with the package's normalisation_mean / normalisation_std; `fbank_len` = T_i |",
             "| `ctc_logits_i.f32` | [2 * ceil(T_i / 4), 32] | output `ctc_logits` (log-softmax) |",
             "| `speaker_embedding_i.f32` | [256] | output `speaker_embedding` (L2-normalised) |",
             "| `emotion_logits_i.f32` | [4] | output `emotion_logits` (neutral, happy, angry, sad) |", "",
             "| i | N_i (samples) | T_i | CTC frames | reference text | greedy transcript | emotion (said / predicted) | speaker (held out) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['i']} | {r['samples']} | {r['T']} | {r['ctc_frames']} | {r['ref']} | {r['hyp']} | "
                     f"{r['emotion']} / {r['emotion_pred']} | {r['speaker']} |")
    lines += ["", "Cosine similarities of the three speaker embeddings: " +
              "; ".join(f"({a},{b}) {cos[a][b]:.4f}" for a in range(3) for b in range(a + 1, 3)) + ".", "",
              f"Running the three zero-padded in one batch gives the same outputs (largest difference {worst:.1e}).",
              "ONNX Runtime (1.21.1 from Java, checked alone and batched) reproduces the outputs to about 1e-5 "
              "(the log-probabilities of ctc_logits reach -30, so compare with an absolute tolerance of 1e-4 there "
              "and 1e-5 for speaker_embedding).", ""]
    with open(os.path.join(out_dir, "README.md"), "w", newline="\n") as f:
        f.write("\n".join(lines))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state", help="train_speech.py's model.pt")
    ap.add_argument("--metrics", help="train_speech.py's metrics.json")
    ap.add_argument("--compare", help="metrics.json of the same heads trained on the other upstream "
                                      "(train_speech.py --upstream speech-embedding), recorded side by side")
    ap.add_argument("--data", help="the data folder of speech_data.py (golden utterances from test.npz)")
    ap.add_argument("--package-dir", default=PACKAGE_DIR)
    ap.add_argument("--golden-dir", default=GOLDEN_DIR)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--random", action="store_true", help="seeded random weights, no data (plumbing tests only)")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    os.makedirs(args.package_dir, exist_ok=True)
    if args.random:
        model = SpeechModel(SpeechConfig()).eval()
        norm = {"mean": 0.0, "std": 1.0}
        export_onnx(model, os.path.join(args.package_dir, "model.onnx"))
        write_labels(os.path.join(args.package_dir, "labels.txt"))
        write_manifest(args.package_dir, manifest(
            model, args.package_dir, args.version, {"kind": "untrained", "note": "seeded random weights"}, norm, 0.5,
            {"script": "models/python/export_speech.py --random", "seed": 0},
            "Random speech model with the signature of speech-small; for tests of the plumbing only."))
        rng = np.random.default_rng(0)
        items = [(None, (rng.standard_normal(n) * 0.1).astype(np.float32), "", 0, "noise") for n in (8000, 12000, 16000)]
        write_golden(model, args.golden_dir, items, 0.0, 1.0, "inputs are seeded noise")
        return 0
    if not (args.state and args.metrics and args.data):
        ap.error("--state, --metrics and --data are needed (or --random)")
    with open(args.metrics) as f:
        metrics = json.load(f)
    with open(os.path.join(args.data, "meta.json")) as f:
        data = json.load(f)
    cfg = SpeechConfig(**metrics["config"])
    model = SpeechModel(cfg)
    model.load_state_dict(torch.load(args.state, map_location="cpu"))
    model.eval()
    norm = metrics["normalisation"]
    threshold = float(metrics["speaker_threshold"])
    export_onnx(model, os.path.join(args.package_dir, "model.onnx"))
    write_labels(os.path.join(args.package_dir, "labels.txt"))
    s = metrics["summary"]
    tr = metrics["training"]
    speakers = data["speakers"]
    groups = {g: [sp["name"] for sp in speakers if sp["group"] == g] for g in ("train", "val", "test")}

    def group_metrics(g):
        r = metrics["test"][g]
        return {"utterances": r["utterances"], "speakers": r["speakers"], "wer": round(r["wer"], 4),
                "wer_vocabulary_decoding": round(r["wer_vocabulary_decoding"], 4),
                "cer_vocabulary_decoding": round(r["cer_vocabulary_decoding"], 4),
                "cer": round(r["cer"], 4), "sentence_accuracy": round(r["sentence_accuracy"], 4),
                "wer_by_engine": {e: round(v["wer"], 4) for e, v in r["wer_by_engine"].items()},
                "wer_vocabulary_decoding_by_engine": {e: round(v["wer_vocabulary_decoding"], 4)
                                                      for e, v in r["wer_by_engine"].items()},
                "eer": round(r["verification"]["eer"], 4),
                "verification_trials": {"targets": r["verification"]["targets"],
                                        "impostors": r["verification"]["impostors"]},
                "at_threshold": {k: round(v, 4) for k, v in r["verification"]["at_validation_threshold"].items()},
                "emotion_accuracy": round(r["emotion_accuracy"], 4), "emotion_confusion": r["emotion_confusion"]}

    prov = {
        "script": "models/python/train_speech.py",
        "seed": tr["seed"],
        "training": {k: v for k, v in tr.items() if k not in ("history",)},
        "data": {"command": "cd models/python && /usr/bin/python3 -m avstream_models.speech_data --out DATA",
                 "seed": data["seed"], "synthesis_seconds": data.get("seconds"), "vocabulary": data["vocabulary"],
                 "phrase_pools": data["phrases"],
                 "splits": data["splits"],
                 "voices": {"train": len(groups["train"]), "val": groups["val"], "test": groups["test"]},
                 "emotion_profiles": data["profiles"],
                 "demo_phrases_held_out": data["demo_phrases_in_test"],
                 "note": ("phrases split by a seeded hash (held-out phrases are never said in training); val and test "
                          "voices never heard in training; the demo recording's phrases are test phrases")},
        "metrics": {"heldout_phrases_training_voices": group_metrics("seen"),
                    "heldout_phrases_heldout_voices": group_metrics("unseen"),
                    "validation_eer": round(s["validation_eer"], 4),
                    "enrolled_voices_vs_heldout_impostors": {
                        "eer": round(metrics["verification_enrolled_vs_heldout_impostors"]["eer"], 4),
                        "trials": {k: metrics["verification_enrolled_vs_heldout_impostors"][k]
                                   for k in ("targets", "impostors")},
                        "at_threshold": {k: round(v, 4) for k, v in metrics["verification_enrolled_vs_heldout_impostors"]
                                         ["at_validation_threshold"].items()},
                        "note": ("targets: pairs of held-out utterances of one training (enrolled) voice; impostors: "
                                 "a training voice's utterance against a held-out voice's")}},
        "metrics_note": ("test split: WER on held-out phrases, greedy CTC and decoding restricted to the vocabulary (the "
                         "job's default; no language model); EER over all pairs of "
                         "test utterances within a group (targets: same voice; impostors: different voices); "
                         "at_threshold: false-accept/false-reject rates at the validation threshold"),
        "commands": [
            "(cd models/python && /usr/bin/python3 -m avstream_models.speech_data --out DATA)",
            tr["command"],
            "/usr/bin/python3 models/python/export_speech.py --state OUT/model.pt --metrics OUT/metrics.json --data DATA"],
    }
    weights = {"kind": "synthetic-trained",
               "note": ("trained by the project on speech it synthesises (models/python/avstream_models/speech_data.py: "
                        f"{len(speakers)} espeak-ng, flite and festival voices, 4 prosody profiles standing for "
                        f"emotions, a {len(data['vocabulary'])}-word command/digit vocabulary, 1-5 word phrases) with "
                        "models/python/train_speech.py; held-out phrases: WER "
                        f"{s['wer_vocabulary_decoding_heldout_phrases_training_voices']:.3f} (training voices) / "
                        f"{s['wer_vocabulary_decoding_heldout_phrases_heldout_voices']:.3f} (held-out voices) decoded "
                        "with the vocabulary (greedy: "
                        f"{s['wer_heldout_phrases_training_voices']:.3f} / {s['wer_heldout_phrases_heldout_voices']:.3f}), "
                        "speaker EER "
                        f"{s['eer_heldout_voices']:.3f} (held-out voices) / "
                        f"{s['eer_training_voices_heldout_utterances']:.3f} (training voices), emotion accuracy "
                        f"{s['emotion_accuracy_training_voices']:.3f} / {s['emotion_accuracy_heldout_voices']:.3f}. "
                        "Knows its vocabulary and synthetic voices only; utterances of 0.5-4 s; not trained on "
                        "recorded speech, so expect much worse results on real microphones")}
    if args.compare:
        prov["upstream_comparison"] = upstream_comparison(metrics, args.compare)
    m = manifest(model, args.package_dir, args.version, weights, norm, threshold, prov,
                 ("AV-SUPERB-style speech probes on a small Transformer upstream: character CTC recognition (32 "
                  "symbols, AV-SUPERB's dictionary), a 256-d speaker embedding (AM-softmax) and 4-class emotion "
                  "(neutral, happy, angry, sad) from one 80-bin log-mel input with per-sample lengths."))
    write_manifest(args.package_dir, m)
    items = pick_golden(args.data, model, norm["mean"], norm["std"])
    rows = write_golden(model, args.golden_dir, items, norm["mean"], norm["std"],
                        "the inputs are three test utterances of held-out voices (held-out phrases)")
    print(json.dumps({"package": args.package_dir, "parameters": count_parameters(model),
                      "onnx_bytes": os.path.getsize(os.path.join(args.package_dir, "model.onnx")),
                      "golden": rows, "summary": s}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
