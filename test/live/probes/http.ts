/**
 * Plain `fetch` helpers shared by the raw-HTTP probes. Nothing here imports unicollab: a probe must read
 * the vendor without the adapter's HTTP client, mappers or schemas, so an adapter cannot pass by agreeing
 * with itself.
 */

/** The answer of one raw request: HTTP status and the parsed JSON body (or the text, or `undefined` when empty). */
export interface RawResponse {
  status: number;
  json: any;
}

/** One request with a 15 s timeout; the body is parsed as JSON when it is JSON. */
export async function rawRequest(url: string, init: { method: string; headers?: Record<string, string>; body?: unknown }): Promise<RawResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** The bytes of one GET (for binary endpoints such as a Yjs update); `undefined` on 404. */
export async function rawBytes(url: string, headers: Record<string, string>): Promise<Uint8Array | undefined> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`probe: GET ${new URL(url).pathname} answered ${res.status} ${await res.text()}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * A fetch that counts what the adapter sends, for the probe's `requestCount` (validation must send
 * nothing). Pass it as the collab's `fetch` and the counter to the probe.
 */
export function countingFetch(counter: { n: number }): typeof fetch {
  return (input, init) => {
    counter.n++;
    return fetch(input, init);
  };
}
