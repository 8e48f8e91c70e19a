// Runs a test peer script (test/peers/*.mjs, over dist/) inside a network namespace the test makes,
// with only loopback up and an nftables firewall that drops every UDP packet both ways: whatever
// connects there connects over TCP. The namespace is removed afterwards.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { runPeerCommand } from './isolated-peer.js';

/** A namespace name no other test worker (process or thread) picks at the same time. */
const unique = (prefix: string): string => `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** Root, `ip netns` and `nft` work here (scripts/setup.sh installs nftables). */
export const hasUdpBlockedNetns = (() => {
  if (process.getuid?.() !== 0) return false;
  if (spawnSync('nft', ['--version']).status !== 0) return false;
  const probe = unique('xtcp-probe');
  const ok = spawnSync('ip', ['netns', 'add', probe]).status === 0;
  if (ok) spawnSync('ip', ['netns', 'del', probe]);
  return ok;
})();

/** The firewall: every UDP packet in or out of the namespace is dropped (loopback included). */
const RULES = `table inet xtcp {
  chain in { type filter hook input priority 0; policy accept; meta l4proto udp drop; }
  chain out { type filter hook output priority 0; policy accept; meta l4proto udp drop; }
}`;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

/**
 * Makes a namespace with only `lo` and the UDP-dropping firewall, runs `script` in it with node
 * (`ip netns exec`), and resolves with the last line it prints, parsed as JSON, plus the firewall
 * as `nft list ruleset` showed it inside. `killAfterMs` kills a hung peer.
 */
export async function runInUdpBlockedNetns<T>(script: URL, label: string, killAfterMs: number): Promise<T & { ruleset: string }> {
  const ns = unique('xtcp');
  ip('netns', 'add', ns);
  try {
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    const nft = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: RULES, encoding: 'utf8' });
    if (nft.status !== 0) throw new Error(`nft: ${nft.stderr}`);
    const ruleset = spawnSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'], { encoding: 'utf8' }).stdout;
    const result = await runPeerCommand<T>('ip', ['netns', 'exec', ns, process.execPath, script.pathname], label, killAfterMs, 1500);
    return { ...result, ruleset };
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}
