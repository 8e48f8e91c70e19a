#!/usr/bin/env node
/** `x-stun-server [--host 127.0.0.1] [--port 3478] [--software NAME] [--password PW]`: a Binding server. */
import { parseArgs } from 'node:util';
import { startBindingServer } from '../binding-server.js';
import { formatTransportAddress } from '../transport-address.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '3478' },
    software: { type: 'string', default: 'x-stun-server' },
    password: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const server = await startBindingServer({
  address: values.host,
  port: Number(values.port),
  software: values.software,
  password: values.password,
  onEvent: (e) => {
    if (values.quiet) return;
    const from = formatTransportAddress(e.source);
    if (e.outcome === 'success') console.log(`server: Binding request from ${from} -> success, XOR-MAPPED-ADDRESS ${from}`);
    else if (e.outcome === 'error') console.log(`server: request from ${from} -> error ${e.errorCode} (${e.reason})`);
    else console.log(`server: ${e.outcome} datagram from ${from}${e.reason ? ` (${e.reason})` : ''}`);
  },
});
console.log(`server: listening on udp ${formatTransportAddress(server.address)}`);

const stop = () => {
  const s = server.server.stats;
  console.log(`server: stopping (success ${s.success}, errors ${s.errors}, dropped ${s.dropped})`);
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
