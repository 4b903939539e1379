// Streaming load on the WebGPU path: the core gets only the file's header (read in growing
// prefixes), the weights stream from a ByteSource into GPU buffers, each byte read once; progress
// and load time are reported; the CPU reference needs keepCpuWeights. Files over 4 GB: stories260K
// as a virtual 4.001 GB file whose tensors lie past 2^32 gives its known text (offsets through the
// C ABI's JSON, the plan and the byte ranges as JS numbers); core/api/c_api_test.cc checks the same
// for llama-3.1-8b's header.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { HearthError, bytesSource, createEngine, fileSource } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const ZOO_30 = ' was a little girl named Lily. She loved to play outside in the park. One day, she saw';

/** A source that records every range read. */
function recording(source) {
  const reads = [];
  return {
    reads,
    source: { size: source.size, name: source.name, read: (o, n) => (reads.push([o, n]), source.read(o, n)), close: () => source.close?.() },
  };
}

async function greedy(engine, maxTokens = 30) {
  let text = '';
  for await (const c of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens })) text += c;
  return text;
}

test('webgpu load streams: header prefixes to the core, each weight byte read once, progress and load time', async () => {
  const file = await fileSource(MODEL);
  const { source, reads } = recording(file);
  const engine = await createEngine('webgpu');
  const progress = [];
  const info = await engine.load(source, { headerReadBytes: 4096, onProgress: (done, total) => progress.push([done, total]) });
  await file.close();
  assert.equal(info.architecture, 'llama');
  assert.equal(typeof info.load_ms, 'number');
  assert.ok(info.load_ms >= 0);
  // the header: prefixes from offset 0, growing (4096 bytes is less than this header)
  const header = reads.filter(([o]) => o === 0);
  assert.ok(header.length >= 2, `header read ${header.length} times`);
  for (let i = 1; i < header.length; i++) assert.ok(header[i][1] > header[i - 1][1]);
  assert.ok(header.at(-1)[1] < source.size);
  // the weights: disjoint ranges after the header, every tensor byte once
  const weights = reads.filter(([o]) => o !== 0).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < weights.length; i++) assert.ok(weights[i][0] >= weights[i - 1][0] + weights[i - 1][1], 'a range was read twice');
  const weightBytes = weights.reduce((s, [, n]) => s + n, 0);
  assert.equal(weightBytes, info.weight_bytes);
  // progress: increasing, ending at the total
  assert.ok(progress.length >= 1);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] > progress[i - 1][0]);
  assert.deepEqual(progress.at(-1), [info.weight_bytes, info.weight_bytes]);
  assert.equal(await greedy(engine), ZOO_30);
  // no weights in wasm memory: the CPU reference says how to get them
  assert.throws(() => engine.cpuLogits([1, 2]), (e) => e instanceof HearthError && e.type === 'invalid_argument' && /header only/.test(e.message));
  engine.dispose();
});

test('webgpu load: Uint8Array and keepCpuWeights (the CPU reference for tests); bad sources are typed errors', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const engine = await createEngine('webgpu');
  await engine.load(bytes, { keepCpuWeights: true });
  assert.equal(engine.cpuLogits([1, 2]).length, 2);
  const ten = await greedy(engine, 10);
  assert.ok(ten.length > 20 && ZOO_30.startsWith(ten), ten);
  // a file cut inside its weights, and one cut inside its header: malformed, and the engine stays usable
  const cutWeights = bytesSource(bytes.subarray(0, bytes.length - 1000), 'cut.gguf');
  await assert.rejects(engine.load(cutWeights), (e) => e instanceof HearthError && e.type === 'malformed_file');
  const cutHeader = bytesSource(bytes.subarray(0, 3000), 'cut-header.gguf');
  await assert.rejects(engine.load(cutHeader, { headerReadBytes: 1024 }), (e) => e instanceof HearthError && e.type === 'malformed_file');
  await engine.load(bytesSource(bytes));
  assert.equal(await greedy(engine), ZOO_30);
  // two loads at once: the later one wins, the earlier one fails typed and leaves nothing behind
  const first = engine.load(bytesSource(bytes, 'first'));
  const second = engine.load(bytesSource(bytes, 'second'));
  await assert.rejects(first, (e) => e instanceof HearthError && /first was superseded/.test(e.message));
  await second;
  assert.equal(await greedy(engine), ZOO_30);
  // an aborted load
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(engine.load(bytes, { signal: abort.signal }), (e) => e instanceof HearthError && /aborted/.test(e.message));
  engine.dispose();
});

/** File offsets of each tensor info's `offset` field in a GGUF header (v2/v3), and the header's end. */
function tensorOffsetFields(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8;
  const u32 = () => ((p += 4), dv.getUint32(p - 4, true));
  const u64 = () => ((p += 8), Number(dv.getBigUint64(p - 8, true)));
  const str = () => {
    const n = u64(); // read before adding: \`p += u64()\` would add to the p of before the read
    p += n;
  };
  const SIZES = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const value = (type) => {
    if (type === 8) str();
    else if (type === 9) {
      const elem = u32();
      const n = u64();
      for (let i = 0; i < n; i++) value(elem);
    } else p += SIZES[type];
  };
  const nTensors = u64();
  const nKv = u64();
  for (let i = 0; i < nKv; i++) {
    str();
    value(u32());
  }
  const fields = [];
  for (let i = 0; i < nTensors; i++) {
    str();
    const nDims = u32();
    p += 8 * nDims + 4;
    fields.push(p);
    p += 8;
  }
  return fields;
}

test('webgpu load: a model file over 4 GB (stories260K with its tensors moved past 2^32) gives the known text', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const shift = 2 ** 32; // a multiple of every GGUF alignment
  const header = bytes.slice();
  const fields = tensorOffsetFields(header);
  assert.ok(fields.length > 10);
  const dv = new DataView(header.buffer);
  for (const f of fields) dv.setBigUint64(f, dv.getBigUint64(f, true) + BigInt(shift), true);
  // the virtual file: the patched header (and the original data after it, never read), a gap of
  // zeros, then at 2^32 + x the original file's byte x: tensor data lands at data_offset + 2^32 + t.offset
  const reads = [];
  const virtual = {
    size: bytes.length + shift,
    name: 'stories260K-over-4GB.gguf',
    async read(offset, length) {
      reads.push([offset, length]);
      const out = new Uint8Array(length);
      for (let i = 0; i < length; ) {
        const at = offset + i;
        if (at < bytes.length && at < shift) {
          const n = Math.min(length - i, bytes.length - at);
          out.set(header.subarray(at, at + n), i);
          i += n;
        } else if (at >= shift) {
          const n = Math.min(length - i, bytes.length + shift - at);
          out.set(bytes.subarray(at - shift, at - shift + n), i);
          i += n;
        } else {
          i = Math.min(length, shift - offset); // the gap reads as zeros
        }
      }
      return out;
    },
  };
  const engine = await createEngine('webgpu');
  const info = await engine.load(virtual);
  assert.equal(info.architecture, 'llama');
  const weightReads = reads.filter(([o]) => o !== 0);
  assert.ok(weightReads.length > 0 && weightReads.every(([o]) => o >= shift), 'every weight read lies past 2^32');
  assert.equal(await greedy(engine), ZOO_30);
  engine.dispose();
});
