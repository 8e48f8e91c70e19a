import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** Which local addresses to gather host candidates on (as Pion's SettingEngine filters). */
export interface HostAddressFilter {
  /** Gather on loopback addresses (127.0.0.0/8, ::1). Default false. */
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

/** The usable local addresses after filtering, interfaces in the order the OS lists them. */
export function hostAddresses(filter: HostAddressFilter = {}): HostAddress[] {
  const list = (filter.networkInterfaces ?? networkInterfaces)();
  const out: HostAddress[] = [];
  let index = 0;
  for (const [name, infos] of Object.entries(list)) {
    if (!infos) continue;
    if (filter.interfaceFilter && !filter.interfaceFilter(name)) continue;
    let used = false;
    for (const info of infos) {
      const family = info.family === 'IPv6' || (info.family as unknown) === 6 ? 6 : 4;
      if (info.internal && !filter.includeLoopback) continue;
      if (family === 4 && filter.ipv4 === false) continue;
      if (family === 6 && filter.ipv6 === false) continue;
      if (family === 6 && /^fe[89ab]/i.test(info.address)) continue;
      if (filter.ipFilter && !filter.ipFilter(info.address)) continue;
      out.push({ interfaceName: name, interfaceIndex: index, address: info.address, family });
      used = true;
    }
    if (used) index++;
  }
  return out;
}
