/**
 * The one wording of a batch that was applied in part, so every adapter's `PartialFailureError`
 * reads the same.
 * @module
 */
import type { PartialFailureItem } from './errors.js';

/** Items named in the message; the rest are counted. */
const SHOWN = 5;

/**
 * `<provider> <operation>: F of N item(s) failed (id [CODE]: reason; ...); W written (id, ...)`,
 * naming at most five failed and five written ids.
 */
export function partialFailureMessage(provider: string, operation: string, failed: readonly PartialFailureItem[], written: readonly string[]): string {
  const shown = failed
    .slice(0, SHOWN)
    .map((f) => `${f.id}${f.code ? ` [${f.code}]` : ''}${f.message ? `: ${f.message}` : ''}`)
    .join('; ');
  const more = failed.length > SHOWN ? `; and ${failed.length - SHOWN} more` : '';
  const wrote =
    written.length === 0 ? 'none were written' : `${written.length} written (${written.slice(0, SHOWN).join(', ')}${written.length > SHOWN ? ', ...' : ''})`;
  return `${provider} ${operation}: ${failed.length} of ${failed.length + written.length} item(s) failed (${shown}${more}); ${wrote}`;
}
