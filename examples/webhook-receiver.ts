// A webhook receiver on node:http: verifies each delivery with `collab.webhooks.verify` (Standard
// Webhooks signature and timestamp, with replay protection) before the app sees it.
//
//   node --experimental-strip-types examples/webhook-receiver.ts     (Node >= 22.6; or compile it with tsc)
//
// With `COLLAB_PROVIDER=liveblocks LIVEBLOCKS_SECRET_KEY=sk_... LIVEBLOCKS_WEBHOOK_SECRET=whsec_...` it
// verifies Liveblocks' deliveries; with nothing set it runs on the embedded provider, subscribes itself
// to its own URL and prints the events of a room it creates.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { type Collab, type CollabEvent, createCollab, createInMemoryReplayStore, fromText, loadConfigFromEnv, WebhookVerificationError } from 'unicollab';

/**
 * A server that answers `POST /webhooks`: 204 once `onEvent` has handled a verified event, 401 for a
 * delivery that does not verify (or a replay), 404/405 for anything else. Verification needs the raw
 * body exactly as sent, so it is read before any parsing.
 */
export function createWebhookReceiver(collab: Collab, onEvent: (event: CollabEvent) => Promise<void>): Server {
  return createServer(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/webhooks') return void res.writeHead(404).end();
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    try {
      const event = await collab.webhooks.verify({ headers: req.headers, rawBody: await readBody(req) });
      await onEvent(event);
      res.writeHead(204).end();
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        // A replayed delivery was accepted before: a 2xx stops the sender from retrying it.
        const replayed = err.vendorCode === 'webhook_replayed';
        res.writeHead(replayed ? 200 : 401, { 'content-type': 'text/plain' }).end(replayed ? 'already received' : 'invalid signature');
      } else {
        console.error(err);
        res.writeHead(500).end(); // the sender retries later
      }
    }
  });
}

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('webhook body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// Run directly: listen; on the embedded provider, send ourselves two events and stop.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const collab = await createCollab({ ...loadConfigFromEnv(), webhookReplayStore: createInMemoryReplayStore() });
  const server = createWebhookReceiver(collab, async (event) => {
    console.log(`${event.type}${event.roomId ? ` in ${event.roomId}` : ''} (${event.id})`);
    if (collab.provider === 'memory' && event.type === 'thread.created') {
      server.close();
      await collab.close();
    }
  });
  const port = Number(process.env.PORT ?? 3000);
  server.listen(collab.provider === 'memory' ? 0 : port, async () => {
    const url = `http://localhost:${(server.address() as AddressInfo).port}/webhooks`;
    console.log(`listening on ${url} (${collab.provider})`);
    if (collab.provider !== 'memory') return; // point the vendor's webhook settings at this URL
    await collab.webhooks.subscriptions.create({ url, events: ['room.created', 'thread.created'] });
    await collab.rooms.create({ id: 'webhook-demo' });
    await collab.threads.create({ roomId: 'webhook-demo', comment: { authorId: 'alice', body: fromText('Hello') } });
  });
}
