import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { IceError } from './errors.js';

// Read once per process: the limits are system settings, and two file reads per socket showed
// in the connection-setup profile.
const procNumbers = new Map<string, number | undefined>();

function procNumber(path: string): number | undefined {
  if (procNumbers.has(path)) return procNumbers.get(path);
  let value: number | undefined;
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    value = Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    value = undefined;
  }
  procNumbers.set(path, value);
  return value;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the destination of every `send`, even an IP literal, through `dns.lookup`, which
 * answers on the next tick: one extra tick per datagram. Every address we send to is an IP
 * literal (ICE candidates are resolved before they are used), so answer those at once and leave
 * names to `dns.lookup`.
 */
function ipLookup(address: string, family: unknown, callback: LookupCallback): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else dnsLookup(address, family as number, callback);
}

/**
 * Binds a UDP socket on `address` (port 0: any) and asks for large buffers, up to
 * `/proc/sys/net/core/{r,w}mem_max`: with the default ~208 KB the kernel drops at loopback speed.
 */
export function bindUdpSocket(address: string, port = 0, bufferSize = 4 * 1024 * 1024): Promise<dgram.Socket> {
  const v6 = address.includes(':');
  const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, lookup: ipLookup as never });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.close();
      reject(new IceError('socket', `cannot bind ${address}:${port}: ${err.message}`));
    };
    socket.once('error', onError);
    socket.bind({ address, port }, () => {
      socket.off('error', onError);
      try {
        socket.setRecvBufferSize(Math.min(bufferSize, procNumber('/proc/sys/net/core/rmem_max') ?? bufferSize));
        socket.setSendBufferSize(Math.min(bufferSize, procNumber('/proc/sys/net/core/wmem_max') ?? bufferSize));
      } catch {
        // A smaller buffer still works; it drops sooner under load.
      }
      resolve(socket);
    });
  });
}
