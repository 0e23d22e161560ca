/**
 * The argument schemas of every service method (`METHOD_ARGUMENTS` of `model/arguments.ts`), loaded on
 * first use rather than at import (issue 12, cold start): they pull in every model schema, which an
 * app that imports an adapter entry point only to verify webhooks or read its types never needs.
 * `bindCollabWith` awaits `loadMethodArguments()` before it guards any service; `model/arguments.ts`
 * registers its tables here when it is evaluated, however it is imported.
 */
import type { MethodShape } from './model/arguments.js';

/** Argument shapes by service group, then method. */
export type MethodArgumentTables = Readonly<Record<string, Readonly<Record<string, MethodShape>>>>;

let tables: MethodArgumentTables | undefined;

/** Called by `model/arguments.ts` when it is evaluated. */
export function setMethodArguments(value: MethodArgumentTables): void {
  tables = value;
}

/** The tables once loaded, else `undefined`. */
export function loadedMethodArguments(): MethodArgumentTables | undefined {
  return tables;
}

/** Loads the tables (once) and returns them. */
export async function loadMethodArguments(): Promise<MethodArgumentTables> {
  if (tables === undefined) await import('./model/arguments.js');
  return tables!;
}
