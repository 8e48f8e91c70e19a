/**
 * The logging seam every layer shares. A layer takes an optional {@link Logger}; without one it
 * writes through `util.debuglog`, so `NODE_DEBUG=x-ice,x-dtls` (or `NODE_DEBUG=x-*`) turns it on
 * with no code, the Node convention. The peer connection factory hands its logger down, scoped per
 * layer, so one sink sees ICE, DTLS, SCTP and RTP.
 */
import { debuglog, format } from 'node:util';

/** Where a layer writes what it wants to say. `debug` is for tracing; `warn` for what went wrong. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
}

/** The debuglog section of each layer, as `NODE_DEBUG` names it. */
export type LayerSection = 'x-stun' | 'x-ice' | 'x-dtls' | 'x-srtp' | 'x-sctp' | 'x-rtp' | 'x-sdp' | 'x-pc';

/** A logger that says nothing. */
export const silentLogger: Logger = Object.freeze({ debug: () => undefined, warn: () => undefined });

/**
 * A logger that writes to stderr through `util.debuglog(section)` when `NODE_DEBUG` names the
 * section (`x-ice`, or a wildcard such as `x-*`), and is silent otherwise. Warnings are marked
 * `warn:`. Node reads `NODE_DEBUG` once, when the section is first used.
 */
export function debugLogger(section: string): Logger {
  const log = debuglog(section);
  if (!log.enabled) return silentLogger;
  return {
    debug: (message, ...details) => log('%s', format(message, ...details)),
    warn: (message, ...details) => log('warn: %s', format(message, ...details)),
  };
}

/** `logger` with each message prefixed by `[scope] `, so one sink can tell the layers apart. */
export function scopedLogger(logger: Logger, scope: string): Logger {
  if (logger === silentLogger) return logger;
  return {
    debug: (message, ...details) => logger.debug(`[${scope}] ${message}`, ...details),
    warn: (message, ...details) => logger.warn(`[${scope}] ${message}`, ...details),
  };
}

/**
 * The logger a layer uses: the one it was given, scoped with the section's layer name
 * (`x-ice` → `[ice]`), or else the `NODE_DEBUG` one for the section.
 */
export function layerLogger(given: Logger | undefined, section: LayerSection): Logger {
  return given === undefined ? debugLogger(section) : scopedLogger(given, section.slice(2));
}
