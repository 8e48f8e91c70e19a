// Pion's forwarder for the media-forwarding figure: src/peers/pion-sfu/main.go (read from the source
// tree, which ships beside dist/), built once per source version with Debian's Go in GOPATH mode
// against Debian's golang-github-pion-webrtc.v3-dev, as apps/interop builds its Pion agent; nothing
// is downloaded (GOPROXY=off). Driven by JSON lines on its stdin and stdout.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// dist/peers/pion-sfu.js → src/peers/pion-sfu/main.go
const source = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'peers', 'pion-sfu', 'main.go');
const gocode = '/usr/share/gocode';
const pionSource = join(gocode, 'src/github.com/pion/webrtc');

/** Builds the forwarder (or finds it built): its path, or why there is none. */
export function buildPionSfu(): { binary: string } | { error: string } {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) return { error: 'go is not installed (Debian golang-go)' };
  if (!existsSync(pionSource)) return { error: `${pionSource} is missing (Debian golang-github-pion-webrtc.v3-dev)` };
  const code = readFileSync(source);
  const dir = join(tmpdir(), `x-bench-pion-sfu-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`);
  const binary = join(dir, 'pion-sfu');
  if (existsSync(binary)) return { binary };
  const gopath = join(dir, 'gopath');
  const pkg = join(gopath, 'src', 'bench-pion-sfu');
  mkdirSync(pkg, { recursive: true });
  // Debian installs Pion v3 without the /v3 in its path; the import path needs it.
  mkdirSync(join(gopath, 'src/github.com/pion/webrtc'), { recursive: true });
  const link = join(gopath, 'src/github.com/pion/webrtc/v3');
  if (!existsSync(link)) symlinkSync(pionSource, link);
  writeFileSync(join(pkg, 'main.go'), code);
  const env = { ...process.env, GOPATH: `${gopath}:${gocode}`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' };
  const go = spawnSync('go', ['build', '-o', `${binary}.tmp`, '.'], { cwd: pkg, env, encoding: 'utf8', timeout: 180_000 });
  if (go.status !== 0) return { error: `go build failed: ${(go.stderr || go.error?.message || '').trim().slice(0, 500)}` };
  renameSync(`${binary}.tmp`, binary);
  return { binary };
}

/** The running forwarder: the same request/kill shape as a HelperProcess. */
export class PionSfuProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exitError: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let reply: { id: number; result?: unknown; error?: string };
      try {
        reply = JSON.parse(line) as typeof reply;
      } catch {
        return;
      }
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.error) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.result);
    });
    child.on('exit', (code, signal) => {
      this.exitError = new Error(`pion forwarder exited (${signal ?? code})`);
      for (const waiter of this.pending.values()) waiter.reject(this.exitError);
      this.pending.clear();
    });
  }

  static start(binary: string): PionSfuProcess {
    return new PionSfuProcess(spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  request<T>(method: string, argument?: unknown): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, method, argument: argument ?? null })}\n`);
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
