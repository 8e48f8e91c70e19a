import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attr,
  BindingServer,
  decodeMessage,
  encodeMessage,
  ErrorCode,
  shortTermKey,
  startBindingServer,
  StunClass,
  StunClient,
  StunMethod,
  UnknownAttributes,
  Username,
  XorMappedAddress,
  type AttributeCodec,
  type BindingServerSocket,
} from '../src/index.js';

const source = { family: 'IPv4', address: '192.0.2.7', port: 4444 } as const;
const bindingRequest = (attributes = [] as ReturnType<typeof attr>[]) =>
  encodeMessage({ method: StunMethod.Binding, messageClass: StunClass.Request, attributes }, { fingerprint: true });

describe('BindingServer (sans-IO)', () => {
  it('answers with XOR-MAPPED-ADDRESS of the source and the same transaction id', () => {
    const s = new BindingServer({ software: 'test' });
    const req = bindingRequest();
    const res = decodeMessage(s.handle(req, source)!);
    expect(res.messageClass).toBe(StunClass.SuccessResponse);
    expect([...res.transactionId]).toEqual([...req.subarray(8, 20)]);
    expect(res.get(XorMappedAddress)).toEqual(source);
    expect(res.hasFingerprint).toBe(true);
    const v6 = { family: 'IPv6', address: '2001:db8::5', port: 1 } as const;
    expect(decodeMessage(s.handle(bindingRequest(), v6)!).get(XorMappedAddress)).toEqual(v6);
  });
  it('420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes', () => {
    const s = new BindingServer();
    const unknown: AttributeCodec<number> = { type: 0x0042, name: 'X', length: () => 4, write() {}, read: () => 0 };
    const res = decodeMessage(s.handle(bindingRequest([attr(unknown, 0)]), source)!);
    expect(res.messageClass).toBe(StunClass.ErrorResponse);
    expect(res.get(ErrorCode)?.code).toBe(420);
    expect(res.get(UnknownAttributes)).toEqual([0x0042]);
    // comprehension-optional unknowns are fine
    const optional: AttributeCodec<number> = { ...unknown, type: 0xc042 };
    expect(decodeMessage(s.handle(bindingRequest([attr(optional, 0)]), source)!).messageClass).toBe(StunClass.SuccessResponse);
  });
  it('400 for an unsupported method and for a malformed attribute', () => {
    const s = new BindingServer();
    const req = encodeMessage({ method: 0x0ab, messageClass: StunClass.Request });
    expect(decodeMessage(s.handle(req, source)!).get(ErrorCode)?.code).toBe(400);
    const bad = Buffer.from(bindingRequest([attr(Username, 'abcd')]));
    // shrink USERNAME's length past nothing but make the LIFETIME-like field bogus: attribute length past end
    bad.writeUInt16BE(0x00ff, 22);
    const res = decodeMessage(s.handle(bad, source)!);
    expect(res.get(ErrorCode)?.code).toBe(400);
    expect(s.stats.errors).toBe(2);
  });
  it('drops non-STUN, responses, bad fingerprints; counts indications; keeps serving', () => {
    const s = new BindingServer();
    expect(s.handle(Uint8Array.of(1, 2, 3), source)).toBeUndefined();
    expect(s.handle(new Uint8Array(100).fill(0x17), source)).toBeUndefined();
    const resp = encodeMessage({ method: 1, messageClass: StunClass.SuccessResponse });
    expect(s.handle(resp, source)).toBeUndefined();
    const fp = bindingRequest();
    fp[fp.length - 1]! ^= 1;
    expect(s.handle(fp, source)).toBeUndefined();
    expect(s.handle(encodeMessage({ method: 1, messageClass: StunClass.Indication }), source)).toBeUndefined();
    expect(s.stats).toMatchObject({ dropped: 4, indications: 1, success: 0 });
    expect(s.handle(bindingRequest(), source)).toBeDefined();
    expect(s.stats.success).toBe(1);
  });
  it('short-term credentials: 400 without, 401 with a wrong password, signed success', () => {
    const s = new BindingServer({ password: 'pw' });
    expect(decodeMessage(s.handle(bindingRequest(), source)!).get(ErrorCode)?.code).toBe(400);
    const wrong = encodeMessage(
      { method: 1, messageClass: StunClass.Request, attributes: [attr(Username, 'a:b')] },
      { messageIntegrity: shortTermKey('nope') },
    );
    expect(decodeMessage(s.handle(wrong, source)!).get(ErrorCode)?.code).toBe(401);
    const good = encodeMessage(
      { method: 1, messageClass: StunClass.Request, attributes: [attr(Username, 'a:b')] },
      { messageIntegrity: shortTermKey('pw') },
    );
    const res = decodeMessage(s.handle(good, source)!);
    expect(res.messageClass).toBe(StunClass.SuccessResponse);
    expect(res.verifyIntegrity(shortTermKey('pw'))).toBe('MESSAGE-INTEGRITY');
  });
});

describe('UDP binding server and client on loopback', () => {
  let v4: BindingServerSocket;
  let v6: BindingServerSocket;
  beforeAll(async () => {
    v4 = await startBindingServer({ address: '127.0.0.1' });
    v6 = await startBindingServer({ address: '::1' });
  });
  afterAll(async () => {
    await v4.close();
    await v6.close();
  });

  it('IPv4: mapped address is the client socket', async () => {
    const c = await StunClient.bind({ address: '127.0.0.1' });
    try {
      const r = await c.binding(v4.address);
      expect(r.mapped).toEqual(c.localAddress);
      expect(r.rtt).toBeGreaterThanOrEqual(0);
    } finally {
      c.close();
    }
  });
  it('IPv6: mapped address is the client socket', async () => {
    const c = await StunClient.bind({ address: '::1' });
    try {
      const r = await c.binding(v6.address);
      expect(r.mapped).toEqual({ family: 'IPv6', address: '::1', port: c.localAddress.port });
    } finally {
      c.close();
    }
  });
  it('garbage, truncated and bad requests do not stop the server', async () => {
    const raw = dgram.createSocket('udp4');
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    const replies: Buffer[] = [];
    raw.on('message', (m) => replies.push(m));
    const send = (b: Uint8Array) => new Promise<void>((r) => raw.send(b, v4.address.port, '127.0.0.1', () => r()));
    const before = v4.server.stats.dropped;
    await send(Buffer.from('not stun at all'));
    await send(bindingRequest().subarray(0, 19));
    await send(new Uint8Array(20));
    await send(Buffer.from('0001000c2112a442000000000000000000000000', 'hex'));
    const good = bindingRequest();
    await send(good);
    await new Promise<void>((resolve) => {
      const check = () => (replies.some((m) => m.subarray(8, 20).equals(good.subarray(8, 20))) ? resolve() : setTimeout(check, 5));
      check();
    });
    const port = raw.address().port;
    raw.close();
    const reply = replies.find((m) => m.subarray(8, 20).equals(good.subarray(8, 20)))!;
    expect(decodeMessage(reply).get(XorMappedAddress)).toEqual({ family: 'IPv4', address: '127.0.0.1', port });
    expect(v4.server.stats.dropped - before).toBe(4);
  });
  it('retransmits the same request under loss and completes when one gets through', async () => {
    // A lossy server: drops the first two copies of each request, answers the third.
    const lossy = dgram.createSocket('udp4');
    await new Promise<void>((r) => lossy.bind(0, '127.0.0.1', () => r()));
    const core = new BindingServer();
    const copies: Buffer[] = [];
    lossy.on('message', (d, r) => {
      copies.push(d);
      if (copies.length < 3) return;
      const reply = core.handle(d, { family: 'IPv4', address: r.address, port: r.port });
      if (reply) lossy.send(reply, r.port, r.address);
    });
    const c = await StunClient.bind({ rto: 10 });
    try {
      const r = await c.binding({ address: '127.0.0.1', port: lossy.address().port });
      expect(r.transmissions).toBe(3);
      expect(copies.length).toBe(3);
      expect(copies[1]!.equals(copies[0]!)).toBe(true);
      expect(copies[2]!.equals(copies[0]!)).toBe(true);
      expect(r.mapped).toEqual(c.localAddress);
    } finally {
      c.close();
      lossy.close();
    }
  });

  it('times out with a typed TIMEOUT when nobody answers', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const c = await StunClient.bind({ rto: 5, rc: 3, rm: 2 });
    let got = 0;
    silent.on('message', () => got++);
    try {
      await expect(c.binding({ address: '127.0.0.1', port: silent.address().port })).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(got).toBe(3);
    } finally {
      c.close();
      silent.close();
    }
  });
});

describe('command line', () => {
  const dist = fileURLToPath(new URL('../dist/cli/', import.meta.url));
  it('x-stun-server and x-stun-client talk over loopback (built dist)', async () => {
    expect(existsSync(`${dist}demo.js`), 'run `pnpm --filter @x/stun build` first').toBe(true);
    const out: string[] = [];
    const child = spawn(process.execPath, [`${dist}demo.js`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => out.push(String(d)));
    child.stderr.on('data', (d) => out.push(String(d)));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const text = out.join('');
    expect(code, text).toBe(0);
    expect(text).toMatch(/server: listening on udp 127\.0\.0\.1:\d+/);
    expect(text).toMatch(/client: Binding request sent to 127\.0\.0\.1:\d+/);
    const mapped = /client: mapped address (127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(text).toContain(`from ${mapped}`);
    expect(text).toMatch(/client: rtt \d+\.\d+ ms/);
    expect(text).toContain('server: stopping (success 2, errors 0, dropped 0)');
  });
});
