import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { StunError } from './stun-error.js';
import type { AddressFamily, TransportAddress } from './transport-address.js';

/** Where and how to bind a UDP socket. */
export interface UdpBindOptions {
  /** Address family (default from `address`, else IPv4). */
  readonly family?: AddressFamily;
  /** Local address (default 127.0.0.1 / ::1 — loopback unless you ask otherwise). */
  readonly address?: string;
  /** Local port (default 0: any free port). */
  readonly port?: number;
  /** Receive/send buffer to ask for, in bytes (default: the kernel's rmem_max/wmem_max, at most 8 MB). */
  readonly bufferSize?: number;
}

function readProcNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Largest socket buffer the kernel grants without privileges (`/proc/sys/net/core/rmem_max`,
 * `wmem_max`), capped at 8 MB. With the ~208 KB default the kernel drops datagrams at loopback
 * speeds.
 */
export function maxSocketBufferSizes(): { recv: number; send: number } {
  const cap = 8 * 1024 * 1024;
  return {
    recv: Math.min(readProcNumber('/proc/sys/net/core/rmem_max') ?? 4 * 1024 * 1024, cap),
    send: Math.min(readProcNumber('/proc/sys/net/core/wmem_max') ?? 4 * 1024 * 1024, cap),
  };
}

/** Binds a UDP socket and asks for large buffers. Rejects with a `StunError` ('CLOSED') on bind failure. */
export function bindUdpSocket(options: UdpBindOptions = {}): Promise<dgram.Socket> {
  const family = options.family ?? (options.address?.includes(':') ? 'IPv6' : 'IPv4');
  const address = options.address ?? (family === 'IPv6' ? '::1' : '127.0.0.1');
  const socket = dgram.createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', ipv6Only: family === 'IPv6' });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.close();
      reject(new StunError('CLOSED', `cannot bind UDP ${address}:${options.port ?? 0}: ${err.message}`));
    };
    socket.once('error', onError);
    socket.bind({ address, port: options.port ?? 0 }, () => {
      socket.off('error', onError);
      const max = maxSocketBufferSizes();
      try {
        socket.setRecvBufferSize(options.bufferSize ?? max.recv);
        socket.setSendBufferSize(options.bufferSize ?? max.send);
      } catch {
        // A smaller buffer still works; it just drops sooner under load.
      }
      resolve(socket);
    });
  });
}

/** The bound local address of a socket as a {@link TransportAddress}. */
export function socketAddress(socket: dgram.Socket): TransportAddress {
  const a = socket.address();
  return { family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', address: a.address, port: a.port };
}

/** Node's rinfo as a {@link TransportAddress}. */
export function fromRemoteInfo(r: dgram.RemoteInfo): TransportAddress {
  return { family: r.family === 'IPv6' ? 'IPv6' : 'IPv4', address: r.address, port: r.port };
}
