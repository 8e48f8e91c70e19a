// A helper process beside a figure's child: forked from it, so it shares the child's network
// namespace (under `unshare -n`, only that namespace's loopback), and driven by request/response
// messages over the IPC channel. Used where one process must not measure another's work: a video
// sender and receiver each timing their own CPU, or an impairing relay kept off the peers' event loop.
import { fork, type ChildProcess } from 'node:child_process';

interface Request {
  id: number;
  method: string;
  argument: unknown;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** The figure's side of a helper process. */
export class HelperProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exitError: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      this.exitError = new Error(`helper exited (${signal ?? code})`);
      for (const waiter of this.pending.values()) waiter.reject(this.exitError);
      this.pending.clear();
    });
  }

  /** Forks `modulePath` (a compiled .js file that calls {@link serveHelper}) with `args` (and node's `execArgv`, default this process's). */
  static start(modulePath: string, args: string[] = [], execArgv?: string[]): HelperProcess {
    // stderr is passed through so a helper's complaint reaches the bench's output.
    return new HelperProcess(fork(modulePath, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], ...(execArgv ? { execArgv } : {}) }));
  }

  /** The helper's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls `method` in the helper and resolves with what its handler returned. */
  request<T>(method: string, argument?: unknown): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, method, argument } satisfies Request);
    });
  }

  /** Ends the helper (it may hold native threads or sockets that keep it alive). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** The helper's side: answers each request with its handler's result, or the error's message. */
export function serveHelper(handlers: Record<string, (argument: never) => unknown>): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.method];
    const reply = (r: Omit<Reply, 'id'>) => process.send?.({ id: message.id, ...r } satisfies Reply);
    if (!handler) return void reply({ error: `no method ${message.method}` });
    Promise.resolve()
      .then(() => handler(message.argument as never))
      .then(
        (result) => reply({ result }),
        (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
      );
  });
  // The figure's child going away ends the helper too.
  process.on('disconnect', () => process.exit(0));
}
