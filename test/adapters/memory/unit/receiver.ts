import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { type?: string; tenantId?: string; data?: Record<string, unknown> };
}

/**
 * A webhook endpoint on 127.0.0.1. `respond` answers each request (default 200 at once); it may
 * hold the answer. `open` counts requests not answered yet and `maxOpen` the most at once.
 */
export async function startReceiver(respond: (req: Received, res: ServerResponse, index: number) => void = (_r, res) => res.end('ok')) {
  const received: Received[] = [];
  const state = { open: 0, maxOpen: 0 };
  const server: Server = createServer((req, res) => {
    state.open += 1;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    res.on('close', () => (state.open -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const r: Received = { headers: req.headers, rawBody, body: JSON.parse(rawBody) as Received['body'] };
      received.push(r);
      respond(r, res, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    state,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
