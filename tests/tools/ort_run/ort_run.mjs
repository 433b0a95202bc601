#!/usr/bin/env node
// Runs ONNX models in ONNX Runtime (onnxruntime-node) on .npy inputs, for pt2onnx's tests.
//
//   node ort_run.mjs JOBS.json
//
// JOBS.json is a list of {"model": PATH, "inputs": {NAME: FILE.npy}, "out_dir": DIR}. One Node
// process runs them all (ONNX Runtime's start-up is most of a single run's cost). For each job it
// writes out_dir/<i>.npy per output and prints one JSON line: {"outputs": [{name, dims, type}]}
// (with "mean_ms" when the job asks for "repeat": N timed runs)
// or {"error": MESSAGE} when ONNX Runtime refuses the model or its inputs.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const NPY = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array], '<f2': ['float16', Uint16Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array], '<i2': ['int16', Int16Array],
  '|i1': ['int8', Int8Array], '|u1': ['uint8', Uint8Array], '|b1': ['bool', Uint8Array],
};
const DESCR = Object.fromEntries(Object.entries(NPY).map(([d, [t]]) => [t, d]));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', start - hlen, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(Boolean).map(Number);
  if (!NPY[descr]) throw new Error(`${file}: dtype ${descr} is not supported`);
  const [type, Ctor] = NPY[descr];
  const bytes = new Uint8Array(buf.subarray(start));  // copy: aligned for the typed array
  const data = new Ctor(bytes.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  return new ort.Tensor(type, type === 'bool' ? Array.from(data, v => v !== 0) : data, dims);
}

function writeNpy(file, tensor) {
  const descr = DESCR[tensor.type];
  if (!descr) throw new Error(`output type ${tensor.type} is not supported`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  const data = tensor.type === 'bool' ? Uint8Array.from(tensor.data, v => (v ? 1 : 0)) : tensor.data;
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
                                        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function runJob(job) {
  const session = await ort.InferenceSession.create(job.model, { intraOpNumThreads: 1 });
  const feeds = {};
  for (const [name, file] of Object.entries(job.inputs || {})) feeds[name] = readNpy(file);
  let results = await session.run(feeds);
  // "repeat": N times the run after a warm-up one, for the benchmark's latency figures.
  let meanMs;
  if (job.repeat > 1) {
    const start = process.hrtime.bigint();
    for (let r = 0; r < job.repeat; r++) results = await session.run(feeds);
    meanMs = Number(process.hrtime.bigint() - start) / 1e6 / job.repeat;
  }
  fs.mkdirSync(job.out_dir, { recursive: true });
  const outputs = session.outputNames.map((name, i) => {
    writeNpy(path.join(job.out_dir, `${i}.npy`), results[name]);
    return { name, dims: results[name].dims, type: results[name].type };
  });
  return { outputs, mean_ms: meanMs };
}

const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const job of jobs) {
  try {
    console.log(JSON.stringify(await runJob(job)));
  } catch (err) {
    console.log(JSON.stringify({ error: String(err && err.message ? err.message : err) }));
  }
}
