// SCTP data channel bulk throughput over real UDP sockets on 127.0.0.1: two @x/sctp associations
// in one process, beside werift's SCTP over the same kind of UDP pipe, and Pion (pion/sctp +
// pion/datachannel, built from Debian's Go sources when Go is installed) doing the same in Go.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Association, SctpTransport, type DataChannel, type DatagramTransport } from '@x/sctp';
import { Worker } from 'node:worker_threads';
import type { BenchOptions, BenchRow } from '../figure.js';

const MiB = 1024 * 1024;

function bufferLimit(): number {
  try {
    return Math.min(8 * MiB, Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()) || 4 * MiB);
  } catch {
    return 4 * MiB;
  }
}

async function udpPair(): Promise<[Socket, Socket]> {
  const limit = bufferLimit();
  const open = () =>
    new Promise<Socket>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        try {
          s.setRecvBufferSize(limit);
          s.setSendBufferSize(limit);
        } catch {
          // Keep the defaults where the kernel refuses.
        }
        resolve(s);
      });
    });
  return [await open(), await open()];
}

/** A datagram pipe over a socket connected to its peer (connected sends skip the address lookup). */
async function pipe(local: Socket, remote: Socket): Promise<DatagramTransport> {
  await new Promise<void>((r) => local.connect(remote.address().port, '127.0.0.1', () => r()));
  return {
    send: (data) => local.send(data),
    onData: (cb) => local.on('message', (m) => cb(m)),
    close: () => local.close(),
  };
}

/** Throughput at the receiver (MB/s) and MB moved per CPU-second of the whole process. */
interface Result {
  mbps: number;
  mbPerCpuSecond: number;
}

function result(bytes: number, start: number, end: number, cpu: NodeJS.CpuUsage): Result {
  const used = process.cpuUsage(cpu);
  return { mbps: bytes / 1e6 / ((end - start) / 1000), mbPerCpuSecond: bytes / 1e6 / ((used.user + used.system) / 1e6) };
}

/** Sends `count` copies of `payload`, keeping between 0.5 and 1 MiB queued (paced by bufferedAmount). */
function sendPaced(ch: DataChannel, payload: Uint8Array, count: number): void {
  let sent = 0;
  ch.bufferedAmountLowThreshold = MiB / 2;
  const fill = () => {
    while (sent < count && ch.bufferedAmount < MiB) {
      ch.send(payload);
      sent++;
    }
  };
  ch.on('bufferedamountlow', fill);
  fill();
}

async function ours(total: number, size: number): Promise<Result> {
  const [sa, sb] = await udpPair();
  const a = new SctpTransport(await pipe(sa, sb), { role: 'client', maxMessageSize: 256 * 1024 });
  const b = new SctpTransport(await pipe(sb, sa), { role: 'server', maxMessageSize: 256 * 1024 });
  try {
    a.connect();
    b.connect();
    await Promise.all([a.established(), b.established()]);
    const ch = a.createDataChannel('bulk');
    await new Promise<void>((r) => ch.once('open', () => r()));
    const payload = new Uint8Array(size).fill(7);
    const count = Math.ceil(total / size);
    let received = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    const done = new Promise<number>((resolve) => {
      b.on('datachannel', (remote: DataChannel) => {
        remote.on('message', (m) => {
          received += typeof m === 'string' ? m.length : m.length;
          if (received >= count * size) resolve(performance.now());
        });
      });
    });
    sendPaced(ch, payload, count);
    const end = await withTimeout(done, 120_000);
    return result(count * size, start, end, cpu);
  } finally {
    a.close();
    b.close();
  }
}

/**
 * The receiving association in a worker thread (its own event loop, as a separate peer would have),
 * in ESM through a data: URL; it imports @x/sctp by the URL the main thread resolved.
 */
const RECEIVER = `
import { parentPort, workerData } from 'node:worker_threads';
import { createSocket } from 'node:dgram';
const { SctpTransport } = await import(workerData.sctpUrl);
const s = createSocket('udp4');
await new Promise((r) => s.bind(0, '127.0.0.1', r));
try { s.setRecvBufferSize(workerData.buffer); s.setSendBufferSize(workerData.buffer); } catch {}
const t = new SctpTransport({
  send: (d) => s.send(d, workerData.peerPort, '127.0.0.1'),
  onData: (cb) => s.on('message', cb),
  close: () => s.close(),
}, { role: 'server', maxMessageSize: 256 * 1024 });
let got = 0;
t.on('datachannel', (ch) => ch.on('message', (m) => {
  got += m.length;
  if (got >= workerData.bytes) {
    parentPort.postMessage({ done: performance.timeOrigin + performance.now() });
    setTimeout(() => { t.close(); }, 100);
  }
}));
t.connect();
parentPort.postMessage({ port: s.address().port });
`;

/** Like {@link ours}, with the receiver in a worker thread: one event loop per endpoint. */
async function oursThreaded(total: number, size: number): Promise<Result> {
  const sa = await new Promise<Socket>((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
  const limit = bufferLimit();
  sa.setRecvBufferSize(limit);
  sa.setSendBufferSize(limit);
  const count = Math.ceil(total / size);
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(RECEIVER)}`), {
    workerData: { sctpUrl: import.meta.resolve('@x/sctp'), peerPort: sa.address().port, bytes: count * size, buffer: limit },
  });
  let peerPort = 0;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: { port?: number }) => {
      if (m.port) {
        peerPort = m.port;
        resolve();
      }
    });
  });
  await ready;
  const a = new SctpTransport(
    { send: (d) => sa.send(d, peerPort, '127.0.0.1'), onData: (cb) => sa.on('message', (m) => cb(m)), close: () => sa.close() },
    { role: 'client', maxMessageSize: 256 * 1024 },
  );
  try {
    a.connect();
    await a.established();
    const ch = a.createDataChannel('bulk');
    await new Promise<void>((r) => ch.once('open', () => r()));
    const payload = new Uint8Array(size).fill(7);
    const done = new Promise<number>((resolve) => worker.on('message', (m: { done?: number }) => m.done && resolve(m.done)));
    const start = performance.timeOrigin + performance.now();
    const cpu = process.cpuUsage();
    sendPaced(ch, payload, count);
    const end = await withTimeout(done, 120_000);
    return result(count * size, start, end, cpu);
  } finally {
    a.close();
    await worker.terminate();
  }
}

/**
 * The association core alone: two sans-IO associations handing packets to each other in memory (no
 * sockets, no DTLS), ordered 16 KiB messages. What our protocol code costs per MB, both ends.
 */
function core(total: number, size: number): Result {
  let got = 0;
  let now = 0;
  const a = new Association({ handler: { onMessage: () => undefined } });
  const b = new Association({ handler: { onMessage: (_s, _p, d) => void (got += d.length) } });
  const pump = () => {
    for (let moved = true; moved; now += 0.01) {
      moved = false;
      for (let p = a.pollTransmit(now); p; p = a.pollTransmit(now), moved = true) b.handlePacket(p, now);
      for (let p = b.pollTransmit(now); p; p = b.pollTransmit(now), moved = true) a.handlePacket(p, now);
    }
  };
  a.connect(0);
  pump();
  const payload = new Uint8Array(size).fill(3);
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let sent = 0; got < total; ) {
    while (sent < total && a.bufferedAmount(0) < MiB) {
      a.send(0, 53, payload);
      sent += size;
    }
    pump();
    for (const e of [a, b]) {
      const t = e.nextTimeout();
      if (t !== undefined && t <= now) e.handleTimeout(now);
    }
  }
  return result(got, start, performance.now(), cpu);
}

interface WeriftSctp {
  start(port?: number): Promise<void>;
  send(sid: number, ppid: number, data: Buffer, opts?: object): Promise<void>;
  stop(): Promise<void>;
  state: string;
  stateChanged: { connected: { subscribe(cb: () => void): void } };
  onReceive: { subscribe(cb: (sid: number, ppid: number, data: Buffer) => void): void };
}

async function werift(total: number, size: number): Promise<Result | undefined> {
  let mod: {
    SCTP: { client(t: unknown, port?: number): WeriftSctp; server(t: unknown, port?: number): WeriftSctp };
    createUdpTransport(s: Socket, r: { port: number; address: string }): unknown;
  };
  try {
    const req = createRequire(import.meta.url);
    const main = req.resolve('werift');
    mod = req(join(dirname(main), '..', '..', 'sctp', 'src', 'index.js'));
  } catch {
    return undefined;
  }
  const [sa, sb] = await udpPair();
  const a = mod.SCTP.client(mod.createUdpTransport(sa, { port: sb.address().port, address: '127.0.0.1' }));
  const b = mod.SCTP.server(mod.createUdpTransport(sb, { port: sa.address().port, address: '127.0.0.1' }));
  try {
    const up = (s: WeriftSctp) => new Promise<void>((r) => (s.state === 'connected' ? r() : s.stateChanged.connected.subscribe(() => r())));
    await Promise.all([a.start(5000), b.start(5000)]);
    await withTimeout(Promise.all([up(a), up(b)]), 10_000);
    const payload = Buffer.alloc(size, 7);
    const count = Math.ceil(total / size);
    let received = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    const done = new Promise<number>((resolve) => {
      b.onReceive.subscribe((_sid, _ppid, data) => {
        received += data.length;
        if (received >= count * size) resolve(performance.now());
      });
    });
    for (let i = 0; i < count; i++) await a.send(1, 53, payload);
    const end = await withTimeout(done, 120_000);
    return result(count * size, start, end, cpu);
  } catch {
    return undefined;
  } finally {
    await Promise.race([Promise.all([a.stop(), b.stop()]), new Promise((r) => setTimeout(r, 500))]).catch(() => undefined);
    for (const s of [sa, sb]) {
      try {
        s.close();
      } catch {
        // already closed by werift
      }
    }
  }
}

/** Pion's side: two pion/sctp associations and a pion/datachannel in one Go process, same pacing. */
const PION_BULK = `package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/logging"
	"github.com/pion/sctp"
)

func freePort() int {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		panic(err)
	}
	p := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	return p
}

func cpuSeconds() float64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return float64(r.Utime.Sec+r.Stime.Sec) + float64(r.Utime.Usec+r.Stime.Usec)/1e6
}

func main() {
	total, _ := strconv.Atoi(os.Args[1])
	size, _ := strconv.Atoi(os.Args[2])
	pa, pb := freePort(), freePort()
	lo := net.IPv4(127, 0, 0, 1)
	ca, err := net.DialUDP("udp4", &net.UDPAddr{IP: lo, Port: pa}, &net.UDPAddr{IP: lo, Port: pb})
	if err != nil {
		panic(err)
	}
	cb, err := net.DialUDP("udp4", &net.UDPAddr{IP: lo, Port: pb}, &net.UDPAddr{IP: lo, Port: pa})
	if err != nil {
		panic(err)
	}
	for _, c := range []*net.UDPConn{ca, cb} {
		c.SetReadBuffer(4 << 20)
		c.SetWriteBuffer(4 << 20)
	}
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelError
	type res struct {
		a   *sctp.Association
		err error
	}
	bch := make(chan res)
	go func() {
		a, err := sctp.Server(sctp.Config{NetConn: cb, LoggerFactory: lf, MaxMessageSize: 1 << 20})
		bch <- res{a, err}
	}()
	aa, err := sctp.Client(sctp.Config{NetConn: ca, LoggerFactory: lf, MaxMessageSize: 1 << 20})
	if err != nil {
		panic(err)
	}
	rb := <-bch
	if rb.err != nil {
		panic(rb.err)
	}
	dc, err := datachannel.Dial(aa, 0, &datachannel.Config{ChannelType: datachannel.ChannelTypeReliable, Label: "bulk", LoggerFactory: lf})
	if err != nil {
		panic(err)
	}
	count := (total + size - 1) / size
	done := make(chan time.Time)
	go func() {
		rdc, err := datachannel.Accept(rb.a, &datachannel.Config{LoggerFactory: lf})
		if err != nil {
			panic(err)
		}
		buf := make([]byte, 2<<20)
		got := 0
		for got < count*size {
			n, _, err := rdc.ReadDataChannel(buf)
			if err != nil {
				panic(err)
			}
			got += n
		}
		done <- time.Now()
	}()
	low := make(chan struct{}, 1)
	dc.SetBufferedAmountLowThreshold(512 << 10)
	dc.OnBufferedAmountLow(func() {
		select {
		case low <- struct{}{}:
		default:
		}
	})
	payload := make([]byte, size)
	start := time.Now()
	cpu0 := cpuSeconds()
	for sent := 0; sent < count; {
		if dc.BufferedAmount() < 1<<20 {
			if _, err := dc.WriteDataChannel(payload, false); err != nil {
				panic(err)
			}
			sent++
			continue
		}
		select {
		case <-low:
		case <-time.After(50 * time.Millisecond):
		}
	}
	end := <-done
	mb := float64(count*size) / 1e6
	fmt.Printf("mbps=%f cpu=%f\\n", mb/end.Sub(start).Seconds(), mb/(cpuSeconds()-cpu0))
	aa.Close()
	rb.a.Close()
}
`;

let pionBinary: string | null | undefined;

function buildPion(): string | null {
  if (pionBinary !== undefined) return pionBinary;
  pionBinary = null;
  if (!existsSync('/usr/share/gocode/src/github.com/pion/sctp')) return null;
  try {
    const dir = join(tmpdir(), 'x-bench-pion-sctp');
    mkdirSync(dir, { recursive: true });
    const bin = join(dir, 'pion-bulk');
    // Built once: a binary next to the same source is reused (saves go's start-up and cache check).
    if (existsSync(bin) && existsSync(join(dir, 'main.go')) && readFileSync(join(dir, 'main.go'), 'utf8') === PION_BULK) return (pionBinary = bin);
    rmSync(bin, { force: true });
    writeFileSync(join(dir, 'main.go'), PION_BULK);
    execFileSync('go', ['build', '-o', bin, 'main.go'], {
      cwd: dir,
      env: { ...process.env, GOPATH: `${join(dir, 'gopath')}:/usr/share/gocode`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' },
      stdio: 'pipe',
      timeout: 120_000,
    });
    pionBinary = bin;
  } catch {
    // No Go toolchain or Pion sources: no Pion figure.
  }
  return pionBinary;
}

function pion(total: number, size: number): Result | undefined {
  const bin = buildPion();
  if (!bin) return undefined;
  try {
    const out = execFileSync(bin, [String(total), String(size)], { encoding: 'utf8', timeout: 120_000 });
    const m = /mbps=([\d.]+) cpu=([\d.]+)/.exec(out);
    return m ? { mbps: Number(m[1]), mbPerCpuSecond: Number(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}

export default async function sctpFigure({ quick }: BenchOptions): Promise<BenchRow[]> {
  const total = quick ? 2 * MiB : 32 * MiB;
  const rows: BenchRow[] = [];
  // Warm-up (JIT), not measured.
  await ours(quick ? 1 * MiB : 2 * MiB, 16 * 1024);
  if (!quick) await werift(2 * MiB, 16 * 1024);
  for (const size of [16 * 1024, 64 * 1024]) {
    const mine = await ours(total, size);
    const theirs = await werift(total, size);
    const go = pion(total, size);
    const threaded = await oursThreaded(total, size).catch(() => undefined);
    rows.push({
      figure: `SCTP data channel bulk over UDP loopback, ${size / 1024} KiB messages, ${total / MiB} MiB`,
      unit: 'MB/s',
      higherIsBetter: true,
      ours: mine.mbps,
      anchors: { werift: theirs?.mbps, pion: go?.mbps },
    });
    if (threaded) {
      rows.push({
        figure: `  same, our receiver in a worker thread (one event loop per endpoint)`,
        unit: 'MB/s',
        higherIsBetter: true,
        ours: threaded.mbps,
        anchors: { pion: go?.mbps },
      });
    }
    rows.push({
      figure: `SCTP bulk, ${size / 1024} KiB messages: MB per CPU-second (both ends in one process; Go uses threads)`,
      unit: 'MB/CPU-s',
      higherIsBetter: true,
      ours: mine.mbPerCpuSecond,
      anchors: { werift: theirs?.mbPerCpuSecond, pion: go?.mbPerCpuSecond },
    });
  }
  const c = core(quick ? 16 * MiB : 128 * MiB, 16 * 1024);
  rows.push({
    figure: 'SCTP association core alone (sans-IO, in memory, both ends), 16 KiB messages',
    unit: 'MB/CPU-s',
    higherIsBetter: true,
    ours: c.mbPerCpuSecond,
    anchors: {},
  });
  return rows;
}
