/** A running Liveblocks dev server. */
export interface LiveblocksDevServer {
  /** Base URL, e.g. `http://localhost:40061` (no trailing slash). */
  readonly url: string;
  /** The only secret key the dev server accepts. */
  readonly secretKey: 'sk_localdev';
  /** The dev server's public key. */
  readonly publicKey: 'pk_localdev';
  /** Process id of the server (leader of its own process group). */
  readonly pid: number | undefined;
  /** What the server printed so far (the last 64 KB of each stream, ANSI codes stripped from stdout). */
  output(): { stdout: string; stderr: string };
  /** Kills the server's process group (SIGTERM, then SIGKILL after 3 s) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of `startLiveblocksDevServer`. */
export interface StartLiveblocksDevServerOptions {
  /** How long to wait for `GET /v2/rooms` to answer 200 (default 30 000 ms). */
  timeoutMs?: number;
  /** Pass `--verbose` (the server then logs request and response bodies). */
  verbose?: boolean;
}

/** Starts the Liveblocks dev server on a random free port and waits until its REST API answers. */
export function startLiveblocksDevServer(options?: StartLiveblocksDevServerOptions): Promise<LiveblocksDevServer>;

/** The Bun binary the harness runs the dev server with. */
export function findBun(): string;
