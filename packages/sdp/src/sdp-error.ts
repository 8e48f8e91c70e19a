/**
 * What went wrong while reading or building a session description.
 *
 * Every code names the line kind (RFC 8866 type letter or attribute) the model could not accept.
 */
export type SdpErrorCode =
  | 'missing-version'
  | 'bad-version'
  | 'missing-origin'
  | 'bad-origin'
  | 'bad-line'
  | 'bad-connection'
  | 'bad-media'
  | 'bad-port'
  | 'bad-fingerprint'
  | 'bad-setup'
  | 'bad-candidate'
  | 'bad-rtpmap'
  | 'bad-fmtp'
  | 'bad-rtcp-fb'
  | 'bad-extmap'
  | 'bad-ssrc'
  | 'bad-ssrc-group'
  | 'bad-mid'
  | 'duplicate-mid'
  | 'bad-msid'
  | 'bad-ice-credentials'
  | 'bad-group'
  | 'bad-rid'
  | 'bad-simulcast'
  | 'bad-sctp-port'
  | 'bad-max-message-size'
  | 'media-attribute-at-session-level'
  | 'bad-offer';

/**
 * The one error type of `@x/sdp`. Parsers throw nothing else.
 *
 * When the error comes from a line of text, {@link SdpError.line} is its 1-based line number and
 * {@link SdpError.text} the line itself (without its line ending).
 */
export class SdpError extends Error {
  /** Always `SdpError`. */
  override readonly name = 'SdpError';
  /** Machine-readable reason. */
  readonly code: SdpErrorCode;
  /** 1-based line number in the parsed text, when the error comes from a line. */
  readonly line: number | undefined;
  /** The offending line (or candidate string) as given. */
  readonly text: string | undefined;
  /** The reason alone, without position and text. */
  readonly detail: string;

  constructor(code: SdpErrorCode, detail: string, line?: number, text?: string) {
    const where = line !== undefined ? `line ${line}: ` : '';
    const what = text !== undefined ? ` (${JSON.stringify(text.length > 200 ? text.slice(0, 200) + '…' : text)})` : '';
    super(`${where}${code}: ${detail}${what}`);
    this.code = code;
    this.detail = detail;
    this.line = line;
    this.text = text;
  }
}
