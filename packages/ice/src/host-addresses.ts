import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** Which local addresses to gather host candidates on (as Pion's SettingEngine filters). */
export interface HostAddressFilter {
  /**
   * Gather on loopback addresses (127.0.0.0/8, ::1): `true` always, `false` never. Unset (the
   * default), only when no other address passes the filters, as libwebrtc falls back to loopback
   * on a host with no other interface: a loopback-only host still gathers 127.0.0.1 and ::1.
   */
  readonly includeLoopback?: boolean;
  /** Gather IPv4. Default true. */
  readonly ipv4?: boolean;
  /** Gather IPv6. Default true. Link-local IPv6 (fe80::/10) is never used. */
  readonly ipv6?: boolean;
  /** Keep an interface by name. */
  readonly interfaceFilter?: (name: string) => boolean;
  /** Keep an address (IP text). */
  readonly ipFilter?: (address: string) => boolean;
  /** Source of interfaces; `os.networkInterfaces` when absent (tests inject one). */
  readonly networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** A local address to bind a socket on. */
export interface HostAddress {
  readonly interfaceName: string;
  /** Position of the interface, for the local preference. */
  readonly interfaceIndex: number;
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * The usable local addresses after filtering, interfaces in the order the OS lists them.
 * `skipped`, when given, receives why each address was left out (`lo 127.0.0.1: loopback`), for a
 * log that says why nothing was gathered.
 */
export function hostAddresses(filter: HostAddressFilter = {}, skipped?: string[]): HostAddress[] {
  const list = (filter.networkInterfaces ?? networkInterfaces)();
  const out = collect(list, filter, filter.includeLoopback === true, skipped);
  // Nothing but loopback passed: use loopback rather than nothing (unless told never to).
  if (out.length === 0 && filter.includeLoopback === undefined) {
    const loopback = collect(list, filter, true, undefined);
    if (loopback.length > 0) skipped?.push('no other usable address: falling back to loopback');
    return loopback;
  }
  return out;
}

function collect(list: NodeJS.Dict<NetworkInterfaceInfo[]>, filter: HostAddressFilter, loopback: boolean, skipped: string[] | undefined): HostAddress[] {
  const out: HostAddress[] = [];
  let index = 0;
  for (const [name, infos] of Object.entries(list)) {
    if (!infos) continue;
    if (filter.interfaceFilter && !filter.interfaceFilter(name)) {
      skipped?.push(`${name}: interfaceFilter`);
      continue;
    }
    let used = false;
    for (const info of infos) {
      const family = info.family === 'IPv6' || (info.family as unknown) === 6 ? 6 : 4;
      const why =
        info.internal && !loopback ? 'loopback'
        : family === 4 && filter.ipv4 === false ? 'ipv4: false'
        : family === 6 && filter.ipv6 === false ? 'ipv6: false'
        : family === 6 && /^fe[89ab]/i.test(info.address) ? 'link-local'
        : filter.ipFilter && !filter.ipFilter(info.address) ? 'ipFilter'
        : undefined;
      if (why !== undefined) {
        skipped?.push(`${name} ${info.address}: ${why}`);
        continue;
      }
      out.push({ interfaceName: name, interfaceIndex: index, address: info.address, family });
      used = true;
    }
    if (used) index++;
  }
  return out;
}
