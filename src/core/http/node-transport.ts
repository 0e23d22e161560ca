/**
 * The `node` transport: one attempt over `node:http` / `node:https` with Node's keep-alive global
 * agents. On a loopback server it measured about a third of the CPU of a `fetch` call (undici's fetch
 * builds a `Request`, a `Response`, web streams, header lists and an internal abort controller per
 * call; `http.request` builds a request and a message). It keeps the client's contract: redirects are
 * never followed (`http.request` never follows one), a stopped attempt destroys its socket, and the
 * body is counted against the byte limit while it arrives.
 * @module
 */
import type * as Http from 'node:http';
import type * as Zlib from 'node:zlib';

/** The head of an answer, as the client reads it from either transport (a `Response` is one). */
export interface AnswerHead {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
}

/** What a stopped attempt needs to end its exchange: the request whose socket is destroyed. */
export interface NodeExchangeState {
  /** Set once the request exists; `destroy` ends its socket and so any body still arriving. */
  request?: { destroy(error?: Error): unknown };
  /** Set when the attempt was stopped before (or while) the exchange started. */
  abandoned?: unknown;
  /** Set when the head arrives. */
  answer?: AnswerHead;
}

/** Raised while reading when a body passes the limit; the client maps it to `ProviderResponseError`. */
export type TooLarge = (bytes: number, declared: boolean) => Error;

/** The request of one attempt, as the client builds it. */
export interface NodeRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A zlib one-shot decoder (`gunzip`, `inflate`, `brotliDecompress` share this shape). */
type Decoder = (bytes: Buffer, options: { maxOutputLength: number }, done: (err: Error | null, decoded: Buffer) => void) => void;

interface NodeModules {
  http: typeof Http;
  https: typeof import('node:https');
  readable: typeof import('node:stream').Readable;
  /** The content codings decoded (fetch decodes the same ones), by their lower-case name. */
  decoders: Readonly<Record<string, Decoder>>;
}

let modules: NodeModules | undefined;

/** Whether this runtime has `node:http` (Node.js 20.16+, through `process.getBuiltinModule`). */
export function hasNodeHttp(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown; versions?: Record<string, string | undefined> } }).process;
  // Bun and Deno emulate node:http on top of their own fetch, where it is slower than their fetch.
  return typeof proc?.getBuiltinModule === 'function' && proc.versions?.node !== undefined && proc.versions.bun === undefined && !('Deno' in globalThis);
}

function load(): NodeModules {
  if (modules) return modules;
  // Looked up at run time, not imported: the published modules stay loadable where there is no
  // node:http (a worker, a browser bundle of the types), and no bundler has to resolve it.
  const get = (process as unknown as { getBuiltinModule(id: string): unknown }).getBuiltinModule;
  const zlib = get('node:zlib') as typeof Zlib;
  modules = {
    http: get('node:http') as NodeModules['http'],
    https: get('node:https') as NodeModules['https'],
    readable: (get('node:stream') as typeof import('node:stream')).Readable,
    decoders: { gzip: zlib.gunzip, 'x-gzip': zlib.gunzip, deflate: zlib.inflate, br: zlib.brotliDecompress },
  };
  return modules;
}

/** A response head over an `IncomingMessage`; the `Headers` object is built only when asked for. */
class NodeAnswer implements AnswerHead {
  private built?: Headers;
  constructor(private readonly message: Http.IncomingMessage) {}

  get status(): number {
    return this.message.statusCode ?? 0;
  }

  get statusText(): string {
    return this.message.statusMessage ?? '';
  }

  get headers(): Headers {
    if (this.built) return this.built;
    const headers = new Headers();
    const raw = this.message.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      try {
        headers.append(raw[i]!, raw[i + 1]!);
      } catch {
        // A header value `Headers` refuses (a control character) is left out, as fetch would refuse the answer.
      }
    }
    return (this.built = headers);
  }
}

/**
 * Sends one request and reads its whole body, refusing one over `maxBytes` (declared or counted,
 * decoded size included). Resolves with the body bytes (`undefined` when there are none); rejects with
 * the socket's error, or whatever `state.request.destroy` was given when the attempt was stopped.
 */
export function nodeExchange(url: string, init: NodeRequestInit, state: NodeExchangeState, maxBytes: number, tooLarge: TooLarge): Promise<Uint8Array | undefined> {
  const { body } = init;
  // A stream is piped as it comes, chunked; ArrayBuffer, Blob, FormData and URLSearchParams are
  // serialised as fetch does (content type included).
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream) return exchange(url, init, body, state, maxBytes, tooLarge);
  if (body instanceof ArrayBuffer) return exchange(url, init, new Uint8Array(body), state, maxBytes, tooLarge);
  const serialised = new Response(body as ConstructorParameters<typeof Response>[0]);
  const type = serialised.headers.get('content-type');
  const headers = type !== null && !('content-type' in init.headers) ? { ...init.headers, 'content-type': type } : init.headers;
  return serialised.arrayBuffer().then((bytes) => {
    if (state.abandoned !== undefined) throw state.abandoned;
    return exchange(url, { ...init, headers }, new Uint8Array(bytes), state, maxBytes, tooLarge);
  });
}

function exchange(
  url: string,
  init: NodeRequestInit,
  body: string | Uint8Array | ReadableStream<Uint8Array> | undefined,
  state: NodeExchangeState,
  maxBytes: number,
  tooLarge: TooLarge,
): Promise<Uint8Array | undefined> {
  const { http, https, readable, decoders } = load();
  return new Promise((resolve, reject) => {
    if (state.abandoned !== undefined) {
      reject(state.abandoned);
      return;
    }
    // A body-less request needs nothing here: node:http itself says `content-length: 0` for a body-less
    // POST, PUT or PATCH and nothing for GET, HEAD or DELETE, as fetch does. A stream goes chunked.
    const headers =
      body === undefined || body instanceof ReadableStream
        ? init.headers
        : { ...init.headers, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) };
    const request = (url.charCodeAt(4) === 115 /* https: */ ? https : http).request(url, { method: init.method, headers });
    state.request = request;
    request.on('error', reject);
    // Destroyed before an answer without an 'error' of its own (no socket had been assigned yet).
    request.on('close', () => {
      if (state.answer === undefined) reject(new Error('the request closed before an answer came'));
    });
    request.on('response', (message) => {
      state.answer = new NodeAnswer(message);
      readMessage(message, request, decoders, maxBytes, tooLarge).then(resolve, reject);
    });
    if (body instanceof ReadableStream) {
      const source = readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
      source.on('error', (err) => request.destroy(err));
      source.pipe(request);
    } else request.end(body);
  });
}

function readMessage(
  message: Http.IncomingMessage,
  request: Http.ClientRequest,
  decoders: NodeModules['decoders'],
  maxBytes: number,
  tooLarge: TooLarge,
): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const declared = message.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) {
      request.destroy();
      reject(tooLarge(Number(declared), true));
      return;
    }
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    let total = 0;
    message.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        request.destroy();
        reject(tooLarge(total, false));
        return;
      }
      if (first === undefined) first = chunk;
      else (rest ??= []).push(chunk);
    });
    message.on('error', reject);
    // A socket closed before the end (without an 'error' of its own) must not leave the call hanging.
    message.on('close', () => {
      if (!message.complete) reject(message.errored ?? new Error('the connection closed before the response ended'));
    });
    message.on('end', () => {
      const bytes = first === undefined ? undefined : rest === undefined ? first : Buffer.concat([first, ...rest], total);
      const coding = message.headers['content-encoding']?.trim().toLowerCase();
      // `identity` and codings we do not decode are read as they are (fetch does the same).
      const decoder = coding !== undefined && Object.hasOwn(decoders, coding) ? decoders[coding] : undefined;
      if (bytes === undefined || decoder === undefined) {
        resolve(bytes && asUint8Array(bytes));
        return;
      }
      decoder(bytes, { maxOutputLength: maxBytes }, (err, decoded) => {
        if (err) reject((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge(maxBytes + 1, false) : err);
        else resolve(asUint8Array(decoded));
      });
    });
  });
}

/** A plain `Uint8Array` view of a Buffer (what the fetch transport returns for `responseType: 'bytes'`). */
function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
