import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo's SDP fixtures (fixtures/sdp at the root), shared with the ice and peerconnection tests. */
export const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/sdp');

/** A vector file as text. */
export function vector(name: string): string {
  return readFileSync(join(VECTORS, name), 'utf8');
}

/** Every `.sdp` vector file name. */
export function vectorNames(): string[] {
  return readdirSync(VECTORS).filter((f) => f.endsWith('.sdp')).sort();
}
