// Runs a test peer script (test/peers/*.mjs, over dist/) in a child under `unshare -n`, where only
// loopback exists, and reads the JSON outcome it prints last; plus what such a test needs present.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Whether a package (e.g. `@roamhq/wrtc`, `playwright-core`) can be imported here. */
export function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Root and `unshare -n` work: a peer can get a network namespace of its own. */
export const hasUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;

/** dist/ is built: the peer scripts import the package from there. */
export const built = existsSync(new URL('../dist/index.js', import.meta.url));

/**
 * Runs `command args` (a peer script behind a namespace wrapper) and resolves with the last line
 * it prints, parsed as JSON. `killAfterMs` kills a peer that hangs (a little past its own
 * timeout), so it never outlives the test; a failure quotes the last `stderrTail` characters.
 */
export function runPeerCommand<T>(command: string, args: string[], label: string, killAfterMs: number, stderrTail = 1000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', () => {
      clearTimeout(guard);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch {
        reject(new Error(`no result from the ${label} peer: ${err.slice(-stderrTail)}`));
      }
    });
  });
}

/** Runs `script` (with `args`) under `unshare -n` (only loopback exists): see {@link runPeerCommand}. */
export function runIsolatedPeer<T>(script: URL, label: string, killAfterMs: number, args: string[] = []): Promise<T> {
  const quoted = args.map((a) => ` '${a.replace(/'/g, "'\\''")}'`).join('');
  return runPeerCommand<T>('unshare', ['-n', 'sh', '-c', `ip link set lo up; exec "${process.execPath}" "${script.pathname}"${quoted}`], label, killAfterMs);
}
