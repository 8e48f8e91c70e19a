#!/usr/bin/env node
/** `x-stun-client HOST [PORT] [--count N] [--rto MS]`: sends Binding requests and prints the mapped address. */
import { parseArgs } from 'node:util';
import { StunClient } from '../stun-client.js';
import { StunError } from '../stun-error.js';
import { formatTransportAddress } from '../transport-address.js';
import { transactionKey } from '../transaction-id.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '1' },
    rto: { type: 'string', default: '500' },
    software: { type: 'string', default: 'x-stun-client' },
  },
});
const host = positionals[0] ?? '127.0.0.1';
const port = Number(positionals[1] ?? '3478');
const family = host.includes(':') ? 'IPv6' : 'IPv4';

const client = await StunClient.bind({ family, rto: Number(values.rto) });
let failed = false;
try {
  for (let i = 0; i < Number(values.count); i++) {
    console.log(`client: Binding request sent to ${formatTransportAddress({ family, address: host, port })} from ${formatTransportAddress(client.localAddress)}`);
    const r = await client.binding({ address: host, port }, { software: values.software });
    console.log(`client: response ${transactionKey(r.response.transactionId)} success (${r.transmissions} transmission(s))`);
    console.log(`client: mapped address ${formatTransportAddress(r.mapped)}`);
    console.log(`client: rtt ${r.rtt.toFixed(3)} ms`);
  }
} catch (e) {
  failed = true;
  console.error(`client: failed: ${e instanceof StunError ? `${e.code}: ${e.message}` : String(e)}`);
} finally {
  client.close();
}
process.exitCode = failed ? 1 : 0;
