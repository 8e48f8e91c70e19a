// Reads hex values out of RFC text as published, so vectors are never retyped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function vectorFile(name: string): string {
  return readFileSync(fileURLToPath(new URL(`./vectors/${name}`, import.meta.url)), 'utf8');
}

export function hex(text: string): Uint8Array {
  const digits = text.replace(/[^0-9a-fA-F]/g, '');
  if (digits.length % 2) throw new Error(`odd hex: ${text}`);
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const isHeading = (line: string) => /^\d+(\.\d+)*\.\s/.test(line);
const isBareHex = (line: string) => line.trim() !== '' && /^[0-9a-fA-F ]+$/.test(line.trim());

/** The lines of the numbered section starting with `heading`, up to the next heading. */
export function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`no section ${heading}`);
  const out = [lines[start]!];
  for (const l of lines.slice(start + 1)) {
    if (isHeading(l)) break;
    out.push(l);
  }
  return out;
}

/** The hex after `Label:` on its line and the unlabelled hex lines that continue it. */
export function field(lines: string[], label: string): Uint8Array {
  const re = new RegExp(`^\\s*${label}:`);
  const at = lines.findIndex((l) => re.test(l));
  if (at < 0) throw new Error(`no ${label}:`);
  let text = lines[at]!.replace(re, '');
  for (const l of lines.slice(at + 1)) {
    if (!isBareHex(l)) break;
    text += ' ' + l;
  }
  return hex(text);
}

/** The hex block following the line containing `after`. */
export function block(lines: string[], after: string): Uint8Array {
  const at = lines.findIndex((l) => l.includes(after));
  if (at < 0) throw new Error(`no line with ${after}`);
  let text = '';
  for (const l of lines.slice(at + 1)) {
    if (l.trim() === '') {
      if (text === '') continue;
      break;
    }
    if (!isBareHex(l)) break;
    text += ' ' + l;
  }
  return hex(text);
}
