// Pion v3 (Go): peers/pion/main.go, built once per source version with Debian's Go in GOPATH mode
// against Debian's golang-github-pion-webrtc.v3-dev; nothing is downloaded (GOPROXY=off).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessDriver, type PeerSpec } from '../driver.js';

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), 'pion');
const sources = ['main.go', 'media.go'];
const gocode = '/usr/share/gocode';
const pionSource = join(gocode, 'src/github.com/pion/webrtc');

let built: Promise<string> | undefined;

/** Builds the agent (or finds it built) and resolves with the binary's path. */
export function buildPion(): Promise<string> {
  built ??= new Promise<string>((resolve, reject) => {
    const code = sources.map((name) => readFileSync(join(sourceDir, name)));
    const hash = createHash('sha256');
    for (const c of code) hash.update(c);
    const dir = join(tmpdir(), `x-interop-pion-${hash.digest('hex').slice(0, 12)}`);
    const binary = join(dir, 'pion-agent');
    if (existsSync(binary)) return resolve(binary);
    const gopath = join(dir, 'gopath');
    const pkg = join(gopath, 'src', 'interop-pion');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(join(gopath, 'src/github.com/pion/webrtc'), { recursive: true });
    const link = join(gopath, 'src/github.com/pion/webrtc/v3');
    if (!existsSync(link)) symlinkSync(pionSource, link);
    sources.forEach((name, i) => writeFileSync(join(pkg, name), code[i]!));
    const env = { ...process.env, GOPATH: `${gopath}:${gocode}`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' };
    const go = spawnSync('go', ['build', '-o', `${binary}.tmp`, '.'], { cwd: pkg, env, encoding: 'utf8', timeout: 180_000 });
    if (go.status !== 0) return reject(new Error(`go build failed: ${(go.stderr || go.error?.message || '').trim().slice(0, 500)}`));
    renameSync(`${binary}.tmp`, binary);
    resolve(binary);
  });
  return built;
}

export const pion: PeerSpec = {
  name: 'pion',
  async available() {
    if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) return 'go is not installed (Debian golang-go)';
    if (!existsSync(pionSource)) return `${pionSource} is missing (Debian golang-github-pion-webrtc.v3-dev)`;
    return null;
  },
  async start(context) {
    const [command, args] = context.wrap(await buildPion(), []);
    return ProcessDriver.start('pion', command, args);
  },
};
