/** One HTTP exchange as reported to the logger hook. Never carries headers or bodies. */
export interface HttpLogEntry {
  /** The provider id. */
  provider: string;
  /** The operation, e.g. `rooms.get`. */
  operation?: string;
  /** HTTP method. */
  method: string;
  /** Path (and query) of the request, without host. */
  path: string;
  /** HTTP status, absent when no response came. */
  status?: number;
  /** Duration of the attempt in milliseconds. */
  ms: number;
  /** Attempt number, 1 for the first. */
  attempt: number;
  /** Vendor request id, when sent. */
  requestId?: string;
  /** Error code when the attempt failed. */
  error?: string;
}

/** Optional logger hook. Every entry is already redacted. */
export interface CollabLogger {
  /** Called once per HTTP attempt. */
  http?(entry: HttpLogEntry): void;
  /** Free-form diagnostics (webhook delivery failures, retries...). */
  warn?(message: string, details?: Record<string, unknown>): void;
}
