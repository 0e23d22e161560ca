/**
 * The shared HTTP layer every vendor adapter uses: one client per adapter with the timeout, deadline,
 * retry, error-mapping, schema-checking and redaction policy of docs/design/DESIGN.md section 5.
 */
export { createHttpClient } from './client.js';
export { defaultMapError, httpErrorInit, vendorMessage, vendorCode, cleanErrorText, type ErrorFacts, type ErrorMapRefinements, type VendorAnswer } from './map-error.js';
export { parseRetryAfter } from './retry-after.js';
export { compileSchema, INVALID, type CompiledCheck } from './fast-schema.js';
export { checkAnswer, type AnswerCheck, type AnswerIssue } from './schema-check.js';
export { encodePath, encodeSegment, appendQuery, redactPathForLog } from './url.js';
export type { HttpClient, HttpClientOptions, HttpErrorContext, HttpRequest, HttpRequestBody } from './types.js';
export { httpOptionsFromConfig, type ConfigHttpOptions } from './options.js';
