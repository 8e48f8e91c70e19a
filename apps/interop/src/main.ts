// `pnpm interop [--subject=ours] [--peer=chromium,wrtc] [--scenario=dc-16mib] [--role=offerer]`:
// runs the matrix (subject × peer × scenario × role), prints the table, writes out/matrix.json
// and out/matrix.html. `--strict`: exit 1 when a cell fails or a peer cannot run (n/a, a peer's listed
// limitation, is neither). `--subject=wrtc --peer=chromium` runs peer against peer (the harness's own check).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRun, type Cell, type Role } from './matrix.js';
import { peers, peerByName } from './peers/index.js';
import { renderHtml, renderTable } from './report.js';
import { scenarios } from './scenarios.js';

function option(name: string): string[] | undefined {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3).split(',').filter(Boolean) : undefined;
}

async function main(): Promise<void> {
  const subjects = (option('subject') ?? ['ours']).map(peerByName);
  const wanted = option('peer');
  const others = wanted ? wanted.map(peerByName) : peers;
  const chosen = option('scenario');
  const list = chosen ? scenarios.filter((s) => chosen.includes(s.name)) : scenarios;
  if (chosen && list.length !== chosen.length) throw new Error(`unknown scenario; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const roles = (option('role') ?? ['offerer', 'answerer']) as Role[];
  const out = option('out')?.[0] ?? 'out';

  const run = await openRun();
  // Ctrl-C: the namespace holder and coturn go too (peers end when their stdin closes).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      run.close();
      process.exit(130);
    });
  }
  if (run.unisolated) console.log(`interop: not in a network namespace (${run.unisolated}); candidates are filtered to 127.0.0.1`);
  const cells: Cell[] = [];
  try {
    for (const subject of subjects) {
      for (const peer of others) {
        for (const scenario of list) {
          if (scenario.appliesTo && !scenario.appliesTo(subject.name, peer.name)) continue;
          for (const role of roles) {
            const cell = await run.cell(subject, peer, scenario, role);
            cells.push(cell);
            console.log(`${cell.status.padEnd(11)} ${subject.name} as ${role} vs ${peer.name}: ${scenario.name} (${cell.ms} ms) ${cell.reason}`);
          }
        }
      }
    }
  } finally {
    run.close();
  }
  console.log(`\n${renderTable(cells)}`);
  mkdirSync(out, { recursive: true });
  const report = { date: new Date().toISOString(), isolated: run.unisolated === null, scenarios: list.map(({ name, description }) => ({ name, description })), cells };
  writeFileSync(join(out, 'matrix.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'matrix.html'), renderHtml(report));
  console.log(`wrote ${join(out, 'matrix.json')} and ${join(out, 'matrix.html')}`);
  // A listed peer limitation (n/a) is not a failure; a peer that could not run is.
  const failed = cells.filter((c) => c.status === 'fail' || c.status === 'unavailable').length;
  process.exit(process.argv.includes('--strict') && failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
