/** coturn's `turnutils_stunclient` against our Binding server: an outside client reads our XOR-MAPPED-ADDRESS. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startBindingServer, type BindingServerEvent } from '../src/index.js';

const STUNCLIENT = '/usr/bin/turnutils_stunclient';
const have = existsSync(STUNCLIENT);

describe('turnutils_stunclient interop', () => {
  it.skipIf(!have && process.env.CI !== 'true')('reads the reflexive address from our server', async () => {
    expect(have, `${STUNCLIENT} missing: CI must install coturn`).toBe(true);
    const events: BindingServerEvent[] = [];
    const server = await startBindingServer({ address: '127.0.0.1', port: 0, onEvent: (e) => events.push(e) });
    try {
      const out = await new Promise<string>((resolve, reject) =>
        execFile(STUNCLIENT, ['-p', String(server.address.port), '127.0.0.1'], { timeout: 10_000 }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      const ok = events.find((e) => e.outcome === 'success');
      expect(ok).toBeDefined();
      expect(out).toContain(`UDP reflexive addr: 127.0.0.1:${ok!.source.port}`);
    } finally {
      await server.close();
    }
  });
});
