// The incremental SHA-256 (downloads are hashed while they stream) against node:crypto on random
// data: every length around the block and padding boundaries, fed in random-sized pieces.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';

import { Sha256, sha256Hex } from '../dist/index.mjs';

const reference = (b) => createHash('sha256').update(b).digest('hex');

test('sha256 of the empty message and of "abc" (FIPS 180-4 examples)', () => {
  assert.equal(sha256Hex(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('sha256 equals node:crypto for lengths 0..300 and random larger inputs, in random pieces', () => {
  const lengths = [...Array(301).keys(), 1000, 4095, 4096, 65537, 1 << 20, (1 << 20) + 13];
  for (const n of lengths) {
    const data = randomBytes(n);
    assert.equal(sha256Hex(data), reference(data), `one piece, ${n} bytes`);
    const h = new Sha256();
    for (let off = 0; off < n; ) {
      const len = Math.min(n - off, randomInt(0, 200));
      h.update(data.subarray(off, off + len));
      off += len;
    }
    assert.equal(h.hex(), reference(data), `random pieces, ${n} bytes`);
  }
});

test('a spent hasher refuses more input', () => {
  const h = new Sha256();
  h.digest();
  assert.throws(() => h.update(new Uint8Array(1)));
  assert.throws(() => h.digest());
});
