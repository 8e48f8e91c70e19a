// Runs cells: one scenario between two fresh peers, the subject in one role. Each cell starts its
// own peers and closes them after, so one cell's failure cannot leak into the next.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerUnavailable, withTimeout, type PeerDriver, type PeerSpec, type RunContext } from './driver.js';
import { startCoturn, type TurnServer } from './coturn.js';
import { limitationOf } from './limitations.js';
import { makeMediaFiles, type MediaFiles } from './media/ffmpeg.js';
import { startNamespace } from './netns.js';
import type { Scenario, ScenarioEnv } from './scenarios.js';

export type Role = 'offerer' | 'answerer';

export interface Cell {
  /** The side under test (ours, in the full matrix). */
  subject: string;
  /** The other side. */
  peer: string;
  scenario: string;
  /** The subject's role. */
  role: Role;
  /**
   * `n/a`: the cell failed with the symptom of a listed limitation of the peer on one side
   * (limitations.ts), something that peer cannot do whatever it talks to; `unavailable`: a peer
   * could not start here (not installed).
   */
  status: 'pass' | 'fail' | 'n/a' | 'unavailable';
  /** Why it failed, or is n/a, or a short note on a pass. */
  reason: string;
  ms: number;
}

export interface Run {
  /** Opens a run: the network namespace and scratch directory its peers share. */
  context: RunContext;
  /** Why the run is not isolated in its own network namespace, or null. */
  unisolated: string | null;
  cell(subject: PeerSpec, peer: PeerSpec, scenario: Scenario, role: Role): Promise<Cell>;
  close(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);

export async function openRun(): Promise<Run> {
  const ns = await startNamespace();
  const tmp = mkdtempSync(join(tmpdir(), 'x-interop-'));
  const context: RunContext = { wrap: ns.wrap, tmp };
  let turn: Promise<TurnServer> | undefined;
  let turnStarted: TurnServer | undefined;
  const stopTurn = () => turnStarted?.close();
  let media: MediaFiles | undefined;
  const env: ScenarioEnv = {
    routedNetwork: () => ns.addRoutedNetwork(),
    media: async () => {
      media ??= makeMediaFiles(tmp);
      const record = mkdtempSync(join(tmp, 'cell-'));
      return { files: media, record };
    },
    turn: async () => {
      turn ??= startCoturn(context).then((server) => {
        turnStarted = server;
        // The TURN server must not outlive the run, however it ends.
        process.once('exit', stopTurn);
        return server;
      });
      turn.catch(() => (turn = undefined));
      return (await turn).server;
    },
  };
  return {
    context,
    unisolated: ns.unisolated,
    async cell(subject, peer, scenario, role) {
      const started = Date.now();
      const result = (status: Cell['status'], reason: string): Cell => ({
        subject: subject.name,
        peer: peer.name,
        scenario: scenario.name,
        role,
        status,
        reason,
        ms: Date.now() - started,
      });
      const running: PeerDriver[] = [];
      try {
        for (const spec of [subject, peer]) {
          const why = await spec.available();
          if (why) return result('unavailable', `${spec.name}: ${why}`);
        }
        const started = await Promise.allSettled([subject.start(context), peer.start(context)]);
        for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        const [a, b] = running as [PeerDriver, PeerDriver];
        const [offerer, answerer] = role === 'offerer' ? [a, b] : [b, a];
        const note = await withTimeout(scenario.run(offerer, answerer, env), 150_000, scenario.name);
        return result('pass', note);
      } catch (error) {
        if (error instanceof PeerUnavailable) return result('unavailable', message(error));
        const limitation = limitationOf(subject.name, peer.name, scenario.name, role, message(error));
        if (limitation) return result('n/a', `${limitation.reason} (here: ${message(error)})`);
        // The connection states each side went through say where it stopped.
        const states = running.map((d) => {
          const seen = d.events.flatMap((e) => (e.event === 'state' ? [e.state] : [])).filter((state, i, all) => state !== all[i - 1]);
          return `${d.name}: ${seen.join('→') || 'no state change'}`;
        });
        return result('fail', `${message(error)} [${states.join('; ')}]`);
      } finally {
        await Promise.all(running.map((d) => d.close().catch(() => undefined)));
      }
    },
    close() {
      stopTurn();
      process.off('exit', stopTurn);
      ns.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
