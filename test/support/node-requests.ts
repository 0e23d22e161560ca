/**
 * The requests `node:http` starts while a function runs, seen through its diagnostics channel
 * (`http.client.request.start`): how a test tells that the `node` transport carried a call.
 */
import diagnostics_channel from 'node:diagnostics_channel';

/** A request as node:http started it. */
export interface StartedRequest {
  method: string;
  /** Path and query, as written on the request line. */
  path: string;
}

/** Runs `fn` and returns it with every node:http request it started, in order. */
export async function nodeRequestsDuring<T>(fn: () => Promise<T>): Promise<{ started: StartedRequest[]; value: T }> {
  const started: StartedRequest[] = [];
  const onStart = (message: unknown) => {
    const { request } = message as { request: StartedRequest };
    started.push({ method: request.method, path: request.path });
  };
  diagnostics_channel.subscribe('http.client.request.start', onStart);
  try {
    return { started, value: await fn() };
  } finally {
    diagnostics_channel.unsubscribe('http.client.request.start', onStart);
  }
}
