import { describe, expect, it } from 'vitest';
import { deriveSessionKey, KeyDerivationLabel } from '../src/key-derivation.js';
import { nobleCryptoProvider } from '../src/noble-crypto-provider.js';
import { nodeCryptoProvider } from '../src/node-crypto-provider.js';
import { hex, toHex, vectorFile } from './rfc-text.js';

const text = vectorFile('rfc3711-appendix-b.txt');
const line = (re: RegExp) => {
  const m = text.match(re);
  if (!m) throw new Error(`vector line ${re} missing`);
  return m[1]!;
};

describe.each([nodeCryptoProvider, nobleCryptoProvider])('RFC 3711 Appendix B with $name', (crypto) => {
  it('B.2: AES-CM keystream, first and last three of 65282 blocks', () => {
    const key = hex(line(/Session Key:\s+([0-9A-F]+)/));
    const offset = hex(line(/Offset:\s+([0-9A-F]+)/));
    const blocks = Number(line(/\((\d+) AES blocks\)/));
    expect(blocks).toBe(65282);
    expect(Number(line(/segment length: (\d+) octets/))).toBe(blocks * 16);
    const keystream = new Uint8Array(blocks * 16);
    crypto.aesCounterMode(key).xorKeystream(offset, keystream, 0, keystream.length);
    const rows = [...text.matchAll(/^\s+(F0F1F2F3F4F5F6F7F8F9FAFBFCFD[0-9A-F]{4})\s+([0-9A-F]{32})$/gm)];
    expect(rows).toHaveLength(6);
    let checked = 0;
    for (const [, counter, expected] of rows) {
      const j = parseInt(counter!.slice(-4), 16);
      expect(j).toBeLessThan(blocks);
      expect(toHex(keystream.subarray(j * 16, j * 16 + 16)).toUpperCase(), `block ${j}`).toBe(expected);
      checked++;
    }
    expect(checked).toBe(6);
  });

  it('B.3: cipher key, cipher salt and the 94-byte auth key from the master key and salt', () => {
    const masterKey = hex(line(/master key:\s+([0-9A-F]+)/));
    const masterSalt = hex(line(/master salt:\s+([0-9A-F]+)/));
    expect(toHex(deriveSessionKey(crypto, masterKey, masterSalt, KeyDerivationLabel.SrtpEncryption, 16)).toUpperCase())
      .toBe(line(/cipher key:\s+([0-9A-F]+)/));
    expect(toHex(deriveSessionKey(crypto, masterKey, masterSalt, KeyDerivationLabel.SrtpSalt, 14)).toUpperCase())
      .toBe(line(/cipher salt:\s+([0-9A-F]+)/));
    const authRows = [...text.matchAll(/^ {3}([0-9A-F]{28,32})\s+0EC675AD498AFEEAB6960B3AABE6000[0-5]$/gm)].map((m) => m[1]!);
    expect(authRows).toHaveLength(6);
    const authKey = authRows.join('');
    expect(authKey.length).toBe(94 * 2);
    expect(toHex(deriveSessionKey(crypto, masterKey, masterSalt, KeyDerivationLabel.SrtpAuthentication, 94)).toUpperCase())
      .toBe(authKey);
  });
});
