/**
 * Each peer connection's log lines carry its id (`pc1`, `pc2`, … in the order this process made
 * them), so two connections in one process can be told apart: with a factory logger every layer's
 * line reads `[pc2 ice] …` (the connection's own `[pc2] …`); with `NODE_DEBUG` it reads
 * `X-ICE 1234: [pc2] …`. The layers scope what they are given themselves (`layerLogger`, `[ice] …`);
 * the logger handed to them here turns that scope into the connection's.
 */
import { debuglog, format } from 'node:util';
import { layerLogger, silentLogger, type LayerSection, type Logger } from '@x/base';

let made = 0;

/** The next connection id of this process: `pc1`, `pc2`, … */
export function nextConnectionId(): string {
  made++;
  return `pc${made}`;
}

/** `[ice] message` → `ice` and `message`; a message without a scope keeps `undefined`. */
const SCOPE = /^\[([a-z]+)\] /;

const sections = new Map<string, ReturnType<typeof debuglog>>();
function section(name: string): ReturnType<typeof debuglog> {
  let log = sections.get(name);
  if (log === undefined) {
    log = debuglog(name);
    sections.set(name, log);
  }
  return log;
}

/** The loggers of one connection's layers. */
export class ConnectionLogs {
  readonly #given: Logger | undefined;
  #intoGiven: Logger | undefined;
  /** The connection's own logger (`[pc2] …`, or `NODE_DEBUG=x-pc`). */
  readonly pc: Logger;

  constructor(
    /** The connection's id, as its lines carry it. */
    readonly id: string,
    given: Logger | undefined,
  ) {
    this.#given = given;
    this.pc = layerLogger(this.forLayer('x-pc'), 'x-pc');
  }

  /**
   * The logger to hand to the layer of `layer` (which scopes it with its own name). `also` names
   * the sections of layers it hands its logger on to (ICE to its STUN and TURN clients). Without a
   * factory logger, it is the silent logger when `NODE_DEBUG` names none of them, so the layer
   * formats nothing.
   */
  forLayer(layer: LayerSection, ...also: LayerSection[]): Logger {
    const given = this.#given;
    if (given !== undefined) {
      this.#intoGiven ??= this.#rescoped(given);
      return this.#intoGiven;
    }
    if (![layer, ...also].some((s) => section(s).enabled)) return silentLogger;
    return this.#toDebug(layer);
  }

  /** `[ice] m` → `[pc2 ice] m`; `[pc] m` → `[pc2] m`. */
  #rescoped(given: Logger): Logger {
    const id = this.id;
    const scope = (message: string): string => {
      const m = SCOPE.exec(message);
      if (m === null) return `[${id}] ${message}`;
      return m[1] === 'pc' ? `[${id}] ${message.slice(m[0].length)}` : `[${id} ${m[1]}] ${message.slice(m[0].length)}`;
    };
    return {
      debug: (message, ...details) => given.debug(scope(message), ...details),
      warn: (message, ...details) => given.warn(scope(message), ...details),
    };
  }

  /** `[ice] m` → `X-ICE pid: [pc2] m` when `NODE_DEBUG` names x-ice (the scope picks the section). */
  #toDebug(layer: LayerSection): Logger {
    const id = this.id;
    const write = (warn: boolean, message: string, details: unknown[]): void => {
      const m = SCOPE.exec(message);
      const log = section(m === null ? layer : `x-${m[1]}`);
      if (!log.enabled) return;
      const text = format(m === null ? message : message.slice(m[0].length), ...details);
      log('[%s] %s%s', id, warn ? 'warn: ' : '', text);
    };
    return {
      debug: (message, ...details) => write(false, message, details),
      warn: (message, ...details) => write(true, message, details),
    };
  }
}
