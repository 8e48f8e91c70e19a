// What RTP says through its logger (`NODE_DEBUG=x-rtp`, or the `logger` option of the stateful
// objects): packets given up on, NACKs nobody can answer, frames the jitter buffer cannot
// complete, keyframe requests, bandwidth estimate changes. Events, never per packet while nothing
// is wrong; a drop that repeats is said the first time and then only counted, the count said again
// at 10, 100, 1000… (a log that grows with the logarithm of the drops, and needs no clock).
import { layerLogger, silentLogger, type Logger } from '@x/base';

/** Loggers {@link rtpLogger} made: handed to an inner object, they are used as they are (not scoped again). */
const resolved = new WeakSet<Logger>();

/**
 * The logger of an RTP object: the one it was given (scoped `[rtp]`), else `NODE_DEBUG=x-rtp`;
 * each message prefixed with `context` (e.g. `ssrc 1234`) when given. A logger this made, handed
 * on to an inner object (a stream's jitter buffer), is kept as it is, context included.
 */
export function rtpLogger(given: Logger | undefined, context?: string): Logger {
  const log = given !== undefined && resolved.has(given) ? given : layerLogger(given, 'x-rtp');
  if (log === silentLogger) return log;
  const out: Logger = context === undefined ? log : {
    debug: (message, ...details) => log.debug(`${context}: ${message}`, ...details),
    warn: (message, ...details) => log.warn(`${context}: ${message}`, ...details),
  };
  resolved.add(out);
  return out;
}
