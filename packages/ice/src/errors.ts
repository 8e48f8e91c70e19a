/** Reasons an {@link IceError} is thrown. */
export type IceErrorCode =
  | 'invalid-candidate'
  | 'invalid-address'
  | 'invalid-state'
  | 'invalid-parameter'
  | 'malformed-dns'
  | 'malformed-frame'
  | 'socket';

/** The one error type of `@x/ice`; parsers throw it and nothing else. */
export class IceError extends Error {
  /** What went wrong, machine-readable. */
  readonly code: IceErrorCode;
  constructor(code: IceErrorCode, message: string) {
    super(message);
    this.name = 'IceError';
    this.code = code;
  }
}
