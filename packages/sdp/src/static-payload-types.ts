/** Static RTP/AVP payload types (RFC 3551 §6) a section may list without an `a=rtpmap`. */
import type { Codec, MediaSection } from './session-description.js';

const STATIC: Readonly<Record<number, { name: string; clockRate: number }>> = {
  0: { name: 'PCMU', clockRate: 8000 },
  3: { name: 'GSM', clockRate: 8000 },
  4: { name: 'G723', clockRate: 8000 },
  8: { name: 'PCMA', clockRate: 8000 },
  9: { name: 'G722', clockRate: 8000 },
  13: { name: 'CN', clockRate: 8000 },
  18: { name: 'G729', clockRate: 8000 },
};

/**
 * The section's codecs plus, in `m=` order, a codec for every static payload type listed without
 * an rtpmap (RFC 3551). The parsed model keeps only what was written; offer/answer wants both.
 */
export function codecsWithStaticPayloadTypes(section: MediaSection): Codec[] {
  const out: Codec[] = [];
  for (const fmt of section.formats) {
    if (!/^[0-9]{1,3}$/.test(fmt)) continue;
    const pt = Number(fmt);
    const written = section.codecs.find((c) => c.payloadType === pt);
    const known = STATIC[pt];
    if (written !== undefined) out.push(written);
    else if (known !== undefined) out.push({ payloadType: pt, name: known.name, clockRate: known.clockRate, parameters: {}, feedback: [] });
  }
  for (const c of section.codecs) if (!out.includes(c)) out.push(c);
  return out;
}
