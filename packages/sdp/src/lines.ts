import { SdpError } from './sdp-error.js';

/** One `<type>=<value>` line of a session description, with its 1-based position. */
export interface SdpLine {
  /** The RFC 8866 type letter: `v`, `o`, `m`, `a`, … */
  readonly type: string;
  /** Everything after `=`. */
  readonly value: string;
  /** 1-based line number in the original text. */
  readonly number: number;
  /** The line as written, without its line ending. */
  readonly raw: string;
}

const LINE = /^([a-z])=(.*)$/s;

/**
 * Splits SDP text into typed lines. CRLF (RFC 8866), bare LF and bare CR are all accepted, also
 * mixed in one text, because real peers and hand-written SDP use all three. Empty lines are
 * skipped; anything else that is not `<letter>=` is an {@link SdpError} `bad-line`.
 */
export function splitLines(text: string): SdpLine[] {
  if (typeof text !== 'string') throw new SdpError('bad-line', 'SDP must be a string');
  const out: SdpLine[] = [];
  const parts = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < parts.length; i++) {
    const raw = parts[i]!;
    if (raw.length === 0) continue;
    const m = LINE.exec(raw);
    if (m === null) throw new SdpError('bad-line', 'expected <type>=<value>', i + 1, raw);
    out.push({ type: m[1]!, value: m[2]!, number: i + 1, raw });
  }
  return out;
}
