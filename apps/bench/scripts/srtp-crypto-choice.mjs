// Measures the crypto choices behind @x/srtp's SrtpCryptoProvider: node:crypto vs @noble, and
// the ways of driving node:crypto. Prints microseconds per 1200-byte packet (best of 8 runs, so
// other load on a shared machine disturbs it less). Run after `pnpm --filter @x/srtp build`:
//   node apps/bench/scripts/srtp-crypto-choice.mjs
import { createCipheriv, createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import {
  nobleCryptoProvider, nodeCryptoProvider, splitKeyingMaterial, srtpKeyingMaterialLength, SrtpSession,
} from '@x/srtp';

const N = 4096;
const best = new Map();
function time(name, fn) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t) / 1e3 / N;
  best.set(name, Math.min(best.get(name) ?? Infinity, us));
}

const key = randomBytes(16);
const keyObject = createSecretKey(key);
const iv = randomBytes(16);
iv[14] = iv[15] = 0;
const buf = new Uint8Array(1300);
const authKey = randomBytes(20);
const authKeyObject = createSecretKey(authKey);
const tag = new Uint8Array(20);
const ipad = Buffer.alloc(64, 0x36);
const opad = Buffer.alloc(64, 0x5c);
for (let i = 0; i < 20; i++) { ipad[i] ^= authKey[i]; opad[i] ^= authKey[i]; }
const inner = createHash('sha1').update(ipad);
const outer = createHash('sha1').update(opad);
const nodeCm = nodeCryptoProvider.aesCounterMode(key);
const nobleCm = nobleCryptoProvider.aesCounterMode(key);
const nodeHmac = nodeCryptoProvider.hmacSha1(authKey);
const nobleHmac = nobleCryptoProvider.hmacSha1(authKey);
const nodeGcm = nodeCryptoProvider.aesGcm(key);
const nobleGcm = nobleCryptoProvider.aesGcm(key);
const gcmIv = randomBytes(12);
const aad = randomBytes(12);

const profiles = ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'];
const sessions = {};
for (const profile of profiles) {
  const keys = splitKeyingMaterial(profile, randomBytes(srtpKeyingMaterialLength(profile)));
  for (const [name, crypto] of [['node', nodeCryptoProvider], ['noble', nobleCryptoProvider]]) {
    const plain = Array.from({ length: N }, (_, seq) => {
      const p = new Uint8Array(1212);
      p.set([0x80, 96, seq >> 8, seq & 0xff, 0, 0, 0, 0, 0, 0, 0, 1]);
      return p;
    });
    const protectedPackets = (() => {
      const tx = new SrtpSession({ profile, keys, role: 'client', crypto });
      return plain.map((p) => tx.protectRtp(p));
    })();
    sessions[`${profile} ${name}`] = { profile, keys, crypto, plain, protectedPackets };
  }
}

for (let round = 0; round < 8; round++) {
  time('AES-CM: one ECB call per packet (node)', () => nodeCm.xorKeystream(iv, buf, 12, 1212));
  time('AES-CM: createCipheriv aes-128-ctr per packet, KeyObject (node)', () => {
    const c = createCipheriv('aes-128-ctr', keyObject, iv);
    buf.set(c.update(buf.subarray(12, 1212)), 12);
  });
  time('AES-CM: @noble ctr with the key expanded once', () => nobleCm.xorKeystream(iv, buf, 12, 1212));
  time('HMAC-SHA1: crypto.hash + JS outer block (node, chosen)', () => nodeHmac.sign(buf, 0, 1216, tag, 0));
  time('HMAC-SHA1: createHmac with KeyObject (node)', () => createHmac('sha1', authKeyObject).update(buf.subarray(0, 1216)).digest());
  time('HMAC-SHA1: Hash.copy() of precomputed inner/outer (node)', () => {
    const d = inner.copy().update(buf.subarray(0, 1216)).digest();
    outer.copy().update(d).digest();
  });
  time('HMAC-SHA1: @noble with cloned key state', () => nobleHmac.sign(buf, 0, 1216, tag, 0));
  time('AES-GCM seal: createCipheriv per packet (node)', () => nodeGcm.seal(gcmIv, aad, buf, 12, 1212));
  time('AES-GCM seal: @noble gcm per packet', () => nobleGcm.seal(gcmIv, aad, buf, 12, 1212));
  const out = new Uint8Array(1500);
  for (const [label, s] of Object.entries(sessions)) {
    let tx;
    let rx;
    time(`session protect ${label}`, (i) => {
      if (i === 0) tx = new SrtpSession({ profile: s.profile, keys: s.keys, role: 'client', crypto: s.crypto });
      tx.protectRtp(s.plain[i], out);
    });
    time(`session unprotect ${label}`, (i) => {
      if (i === 0) rx = new SrtpSession({ profile: s.profile, keys: s.keys, role: 'server', crypto: s.crypto });
      rx.unprotectRtp(s.protectedPackets[i], out);
    });
  }
}
for (const [name, us] of best) console.log(`${us.toFixed(2).padStart(7)} µs  ${(1e6 / us).toFixed(0).padStart(8)}/s  ${name}`);
