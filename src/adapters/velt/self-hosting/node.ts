/**
 * `toNodeHandler`: serves a data-provider handler from Node's `http` server, Express or Connect
 * (`app.use('/api/velt', toNodeHandler(handler))`). Mount it before any body parser, or leave the
 * raw body to it: a body already parsed by `express.json()` is re-serialised as JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A Node `(req, res)` listener; `next` (Express) receives errors writing the response. */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

function toRequest(req: IncomingMessage): Request {
  const host = req.headers.host ?? 'localhost';
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  // Express strips the mount point from req.url but keeps it in originalUrl; either works (last two segments).
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const url = new URL(path, `${encrypted ? 'https' : 'http'}://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return new Request(url, { method, headers });
  const parsed = (req as { body?: unknown }).body;
  if (req.readableEnded && parsed !== undefined) {
    const body = typeof parsed === 'string' ? parsed : parsed instanceof Uint8Array ? new Uint8Array(parsed) : JSON.stringify(parsed);
    headers.delete('content-length');
    return new Request(url, { method, headers, body });
  }
  return new Request(url, {
    method,
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
}

/** Adapts a web-standard handler (`(Request) => Promise<Response>`) to Node's `http`/Express. */
export function toNodeHandler(handler: (request: Request) => Promise<Response>): NodeRequestListener {
  return (req, res, next) => {
    void (async () => {
      const response = await handler(toRequest(req));
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      const body = response.body === null ? undefined : new Uint8Array(await response.arrayBuffer());
      res.end(body);
    })().catch((error: unknown) => {
      if (next) return next(error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ success: false, statusCode: 500, error: 'internal error', errorCode: 'INTERNAL_ERROR' }));
      } else res.destroy();
    });
  };
}
