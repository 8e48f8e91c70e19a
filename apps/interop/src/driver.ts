// The harness's side of the peer-driver protocol (protocol.ts): one `PeerDriver` per running peer,
// whatever it is (a child process speaking JSON lines, or a Chromium page).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PeerEvent, Request } from './protocol.js';

/** Distributes `Omit` over a union, so each request keeps its own fields. */
export type RequestArgs<R> = R extends { cmd: string } ? Omit<R, 'cmd'> : never;
export type ArgsOf<C extends Request['cmd']> = RequestArgs<Extract<Request, { cmd: C }>>;

/** A running peer. */
export interface PeerDriver {
  readonly name: string;
  /** Sends a request and resolves with the reply's result; rejects on an error reply or timeout. */
  request<C extends Request['cmd']>(cmd: C, args: ArgsOf<C>, timeoutMs?: number): Promise<any>;
  /** Every event so far. */
  readonly events: PeerEvent[];
  /** Calls `listener` with each event from now on. */
  onEvent(listener: (event: PeerEvent) => void): void;
  /** Lines the peer wrote outside the protocol (stderr, logs): kept for a failure's reason. */
  readonly log: string[];
  /** Closes the peer connection and ends the process (or page). */
  close(): Promise<void>;
}

/** How to start one kind of peer. */
export interface PeerSpec {
  readonly name: string;
  /** Null when the peer can run here, else why not (not installed, not implemented yet). */
  available(): Promise<string | null>;
  start(context: RunContext): Promise<PeerDriver>;
}

/** What peers share in one run: how to start processes (inside the run's network namespace). */
export interface RunContext {
  /** Rewrites a command so it runs inside the run's network namespace (or as it is). */
  wrap(command: string, args: string[]): [string, string[]];
  /** Scratch directory of this run (builds, profiles). */
  readonly tmp: string;
}

export class PeerUnavailable extends Error {}

/** Throws `error` unless `promise` settles within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Shared request/reply bookkeeping over some line transport. */
export abstract class JsonDriver implements PeerDriver {
  readonly events: PeerEvent[] = [];
  readonly log: string[] = [];
  private readonly listeners: Array<(event: PeerEvent) => void> = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private ended: string | null = null;
  private readyResolve!: () => void;
  private readyReject!: (e: Error) => void;
  protected readonly ready = new Promise<void>((resolve, reject) => {
    this.readyResolve = resolve;
    this.readyReject = reject;
  });

  constructor(readonly name: string) {
    this.ready.catch(() => undefined);
  }

  protected abstract write(message: object): void;
  abstract close(): Promise<void>;

  /** Feeds one message from the peer. */
  protected receive(message: any): void {
    if (typeof message.id === 'number') {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiter) return;
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${this.name}: ${String(message.error)}`));
      return;
    }
    if (message.event === 'ready') this.readyResolve();
    else if (message.event === 'unavailable') this.readyReject(new PeerUnavailable(`${this.name} not available: ${String(message.reason)}`));
    else if (message.event === 'log') this.log.push(String(message.text));
    else {
      this.events.push(message as PeerEvent);
      for (const listener of this.listeners) listener(message as PeerEvent);
    }
  }

  onEvent(listener: (event: PeerEvent) => void): void {
    this.listeners.push(listener);
  }

  /** The peer is gone: fail everything that waits on it. */
  protected end(reason: string): void {
    if (this.ended) return;
    this.ended = reason;
    const error = new Error(`${this.name} ${reason}${this.log.length ? ` (${this.log.slice(-3).join(' | ').slice(0, 400)})` : ''}`);
    this.readyReject(error);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  request<C extends Request['cmd']>(cmd: C, args: ArgsOf<C>, timeoutMs = 15_000): Promise<any> {
    if (this.ended) return Promise.reject(new Error(`${this.name} ${this.ended}`));
    const id = this.nextId++;
    const reply = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.write({ id, cmd, ...args });
    return withTimeout(reply, timeoutMs, `${this.name} ${cmd}`).finally(() => this.pending.delete(id));
  }
}

/** A peer in a child process: requests on its stdin, replies and events on its stdout. */
export class ProcessDriver extends JsonDriver {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
    super(name);
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return this.keep(line);
      try {
        this.receive(JSON.parse(line));
      } catch {
        this.keep(line);
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.keep(line));
    this.child.once('error', (error) => this.end(`could not start: ${error.message}`));
    this.child.once('exit', (code, signal) => this.end(`exited (${signal ?? code})`));
    this.child.stdin!.on('error', () => undefined);
  }

  private keep(line: string): void {
    if (this.log.length > 200) this.log.shift();
    this.log.push(line);
  }

  /** Starts the process and waits for its `ready` (or `unavailable`) event. */
  static async start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<ProcessDriver> {
    const driver = new ProcessDriver(name, command, args, env);
    try {
      await withTimeout(driver.ready, timeoutMs, `${name} start`);
    } catch (error) {
      driver.kill();
      throw error;
    }
    return driver;
  }

  protected write(message: object): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  private kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    await this.request('close', {}, 3000).catch(() => undefined);
    this.child.stdin!.end();
    await withTimeout(this.exited, 2000, 'exit').catch(() => this.kill());
    await withTimeout(this.exited, 2000, 'kill').catch(() => undefined);
  }
}
