import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerLogger, scopedLogger, silentLogger, type Logger } from '../src/index.js';

const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { debug: (m, ...d) => lines.push(`debug ${m} ${d.join(',')}`), warn: (m, ...d) => lines.push(`warn ${m} ${d.join(',')}`) } };
}

describe('logging seam', () => {
  it('a given logger is scoped with the layer name', () => {
    const { logger, lines } = recording();
    const ice = layerLogger(logger, 'x-ice');
    ice.debug('pair %s checked', 'a', 1);
    ice.warn('failed');
    expect(lines).toEqual(['debug [ice] pair %s checked a,1', 'warn [ice] failed ']);
  });

  it('scoping the silent logger stays silent', () => {
    expect(scopedLogger(silentLogger, 'dtls')).toBe(silentLogger);
  });

  // NODE_DEBUG is read once per process, so each case runs in a child process of its own.
  const run = (nodeDebug: string | undefined) =>
    spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import { layerLogger } from ${JSON.stringify(built)}; const l = layerLogger(undefined, 'x-ice'); l.debug('checking %d pairs', 3); l.warn('no pair answered'); layerLogger(undefined, 'x-dtls').warn('alert');`],
      { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: nodeDebug ?? '' } },
    ).stderr;

  it('NODE_DEBUG=x-ice writes that section to stderr and nothing of the others', () => {
    const err = run('x-ice');
    expect(err).toMatch(/X-ICE \d+: checking 3 pairs/);
    expect(err).toMatch(/X-ICE \d+: warn: no pair answered/);
    expect(err).not.toMatch(/X-DTLS/);
  });

  it('NODE_DEBUG=x-* turns every layer on; unset, nothing is written', () => {
    expect(run('x-*')).toMatch(/X-DTLS \d+: warn: alert/);
    expect(run(undefined)).toBe('');
  });
});
