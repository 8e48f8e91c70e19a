/** Binding loopback UDP sockets with large buffers, for the relay. */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { NetemError } from './netem-error.js';

/** An IP address and port. */
export interface UdpEndpoint {
  /** IPv4 or IPv6 address literal, e.g. `'127.0.0.1'` or `'::1'`. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
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
 * The largest socket buffers the kernel grants (`/proc/sys/net/core/rmem_max`, `wmem_max`), at most
 * 8 MB. With the ~208 KB default the kernel drops datagrams at loopback rates before the relay sees
 * them, which would add loss the model did not ask for.
 */
export function maxSocketBufferSizes(): { recv: number; send: number } {
  const cap = 8 * 1024 * 1024;
  return {
    recv: Math.min(readProcNumber('/proc/sys/net/core/rmem_max') ?? 4 * 1024 * 1024, cap),
    send: Math.min(readProcNumber('/proc/sys/net/core/wmem_max') ?? 4 * 1024 * 1024, cap),
  };
}

/** Checks an endpoint; throws `NetemError('INVALID_ARGUMENT')`. */
export function checkEndpoint(endpoint: UdpEndpoint, what: string): void {
  if (isIP(endpoint.address) === 0) {
    throw new NetemError('INVALID_ARGUMENT', `${what}: '${endpoint.address}' is not an IP address literal`);
  }
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
    throw new NetemError('INVALID_ARGUMENT', `${what}: port ${endpoint.port} is not within 1..65535`);
  }
}

/** Binds a UDP socket on `address` (port 0: any free port) with large buffers. */
export function bindUdp(address: string, port = 0, bufferSize?: number): Promise<dgram.Socket> {
  const family = isIP(address);
  if (family === 0) return Promise.reject(new NetemError('INVALID_ARGUMENT', `'${address}' is not an IP address literal`));
  const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close();
      reject(new NetemError('BIND_FAILED', `cannot bind UDP ${address}:${port}: ${err.message}`));
    };
    socket.once('error', onError);
    socket.bind({ address, port }, () => {
      socket.off('error', onError);
      const max = maxSocketBufferSizes();
      try {
        socket.setRecvBufferSize(bufferSize ?? max.recv);
        socket.setSendBufferSize(bufferSize ?? max.send);
      } catch {
        // A smaller buffer still works; it only drops sooner under load.
      }
      resolve(socket);
    });
  });
}

/** Connects a bound UDP socket to `endpoint` (sends then need no address; only it is received from). */
export function connectUdp(socket: dgram.Socket, endpoint: UdpEndpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new NetemError('BIND_FAILED', `cannot connect UDP to ${endpoint.address}:${endpoint.port}: ${err.message}`));
    socket.once('error', onError);
    socket.connect(endpoint.port, endpoint.address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** Closes a UDP socket and waits for it to be gone; never rejects. */
export function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/** Loopback address of the same family as `address` (IPv4 when unknown). */
export function loopbackFor(address: string | undefined): string {
  return address !== undefined && isIP(address) === 6 ? '::1' : '127.0.0.1';
}
