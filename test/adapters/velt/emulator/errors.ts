/**
 * Vendor error model of the Velt emulator.
 *
 * Velt speaks the Firebase "callable function" protocol (velt.md §1.1 INF):
 * errors are `{"error":{"message","status","details"?}}` with gRPC-style status strings.
 * HTTP status mapping: velt.md §1.3 (400/500/409 documented, the rest inferred from the
 * Firebase/gRPC mapping; overridable through `options.httpStatusFor`).
 */

export type VeltErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'OUT_OF_RANGE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'CANCELLED'
  | 'INTERNAL'
  | 'UNKNOWN'
  | 'UNIMPLEMENTED'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'DEADLINE_EXCEEDED';

/** velt.md §1.3 table (DOC: 400 INVALID_ARGUMENT, 500 INTERNAL, 409 ABORTED; others INF). */
export const DEFAULT_HTTP_STATUS: Readonly<Record<VeltErrorStatus, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export class VeltApiError extends Error {
  constructor(
    readonly status: VeltErrorStatus,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'VeltApiError';
  }

  toBody(): { error: { message: string; status: VeltErrorStatus; details?: unknown } } {
    const error: { message: string; status: VeltErrorStatus; details?: unknown } = {
      message: this.message,
      status: this.status,
    };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export const invalidArgument = (message: string, details?: unknown): VeltApiError =>
  new VeltApiError('INVALID_ARGUMENT', message, details);
export const notFound = (message: string, details?: unknown): VeltApiError =>
  new VeltApiError('NOT_FOUND', message, details);
export const permissionDenied = (message: string, details?: unknown): VeltApiError =>
  new VeltApiError('PERMISSION_DENIED', message, details);
export const failedPrecondition = (message: string, details?: unknown): VeltApiError =>
  new VeltApiError('FAILED_PRECONDITION', message, details);
export const internal = (message: string, details?: unknown): VeltApiError =>
  new VeltApiError('INTERNAL', message, details);
