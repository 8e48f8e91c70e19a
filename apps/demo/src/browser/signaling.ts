// The demo's HTTP server on 127.0.0.1: the page at /, Server-Sent Events from the node peer to the
// page at /events, and the page's messages to the node peer by POST to /signal. One page at a time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the page sends the node peer. */
export type PageMessage =
  | { type: 'answer'; sdp: string }
  | { type: 'candidate'; candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } }
  | { type: 'log'; text: string };

export interface SignalingServer {
  readonly url: string;
  /** Sends one message to the page (queued until it listens). */
  send(message: object): void;
  close(): Promise<void>;
}

export interface SignalingHandlers {
  /** The page opened /events: it is ready for an offer. */
  onPage(): void;
  onMessage(message: PageMessage): void;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 1_000_000) request.destroy(new Error('body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function isPageMessage(value: unknown): value is PageMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.type === 'answer') return typeof m.sdp === 'string';
  if (m.type === 'log') return typeof m.text === 'string';
  if (m.type === 'candidate') return typeof m.candidate === 'object' && m.candidate !== null && typeof (m.candidate as { candidate?: unknown }).candidate === 'string';
  return false;
}

/** Serves `html` and the signaling endpoints on 127.0.0.1:`port` (0: any free port). */
export async function startSignaling(html: string, port: number, handlers: SignalingHandlers): Promise<SignalingServer> {
  let stream: ServerResponse | undefined;
  const queue: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method === 'GET' && path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
    } else if (request.method === 'GET' && path === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(': connected\n\n');
      stream?.end();
      stream = response;
      for (const data of queue.splice(0)) response.write(data);
      handlers.onPage();
    } else if (request.method === 'POST' && path === '/signal') {
      readBody(request).then(
        (body) => {
          let message: unknown;
          try {
            message = JSON.parse(body);
          } catch {
            message = undefined;
          }
          if (!isPageMessage(message)) {
            response.writeHead(400).end('bad message');
            return;
          }
          response.writeHead(204).end();
          handlers.onMessage(message);
        },
        () => response.writeHead(400).end(),
      );
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    send(message) {
      const data = `data: ${JSON.stringify(message)}\n\n`;
      if (stream && !stream.writableEnded) stream.write(data);
      else queue.push(data);
    },
    close: () =>
      new Promise<void>((resolve) => {
        stream?.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
