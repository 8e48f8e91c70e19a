/** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2208988800;

/** The 64-bit NTP timestamp (RFC 5905 §6) of a Unix time in ms. */
export function ntpTimeFromUnixMs(unixMs: number): bigint {
  const seconds = Math.floor(unixMs / 1000);
  const fraction = Math.round(((unixMs - seconds * 1000) / 1000) * 2 ** 32);
  return (BigInt(seconds + NTP_UNIX_OFFSET_SECONDS) << 32n) + BigInt(fraction);
}

/** The Unix time in ms of a 64-bit NTP timestamp. */
export function unixMsFromNtpTime(ntp: bigint): number {
  const seconds = Number(ntp >> 32n) - NTP_UNIX_OFFSET_SECONDS;
  const fraction = Number(ntp & 0xffffffffn);
  return seconds * 1000 + (fraction / 2 ** 32) * 1000;
}

/** The middle 32 bits of an NTP timestamp (the "compact" form used by LSR, LRR; 16.16 seconds). */
export function compactNtp(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffffffffn);
}
