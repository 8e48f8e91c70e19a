/** A logger (the shape of `@x/base`'s `Logger`) that keeps every line, prefixed by its level. */
export interface LogRecorder {
  readonly lines: string[];
  debug(message: string): void;
  warn(message: string): void;
  /** The first line matching `re`, now or when it is logged. */
  seen(re: RegExp): Promise<string>;
}

/** A {@link LogRecorder}: tests read what a layer said (`debug …`, `warn …`). */
export function logRecorder(): LogRecorder {
  const lines: string[] = [];
  const waiting: Array<[RegExp, (line: string) => void]> = [];
  const add = (line: string): void => {
    lines.push(line);
    for (const [re, resolve] of [...waiting]) if (re.test(line)) resolve(line);
  };
  return {
    lines,
    debug: (m) => add(`debug ${m}`),
    warn: (m) => add(`warn ${m}`),
    seen: (re) => {
      const found = lines.find((l) => re.test(l));
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiting.push([re, resolve]));
    },
  };
}
