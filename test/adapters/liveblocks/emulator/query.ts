/**
 * The Liveblocks query language (vendors/liveblocks.md §3.9): space- or `AND`-separated clauses
 * `field OP value`, with `OP` one of `:` (equals), `^` (starts with), `<`, `>`, `<=`, `>=`,
 * nested keys written `metadata['k']` or `metadata["k"]`, strings in single or double quotes,
 * numbers and `true`/`false` bare. Examples the reference quotes:
 *   roomId^'org:' metadata['color']:'blue'
 *   metadata["roomType"]:"whiteboard" AND roomId^"liveblocks:engineering"
 *   metadata["status"]:"open" AND resolved:true
 * There is no OR and no parentheses in the documented grammar; anything else is a 422 INVALID_QUERY.
 */
import { errors } from './http.js';

export type QueryOp = ':' | '^' | '<' | '>' | '<=' | '>=';
export type QueryValue = string | number | boolean;

export interface QueryClause {
  field: string;
  /** The bracketed key, e.g. `color` in `metadata['color']`. */
  key?: string;
  op: QueryOp;
  value: QueryValue;
}

type Token =
  | { t: 'ident'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'op'; v: QueryOp }
  | { t: '[' }
  | { t: ']' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '[' || c === ']') {
      tokens.push({ t: c });
      i++;
    } else if (c === '<' || c === '>') {
      if (input[i + 1] === '=') {
        tokens.push({ t: 'op', v: `${c}=` as QueryOp });
        i += 2;
      } else {
        tokens.push({ t: 'op', v: c });
        i++;
      }
    } else if (c === ':' || c === '^') {
      tokens.push({ t: 'op', v: c });
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let out = '';
      for (; j < input.length && input[j] !== c; j++) {
        if (input[j] === '\\' && j + 1 < input.length) {
          const n = input[++j]!;
          out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        } else {
          out += input[j];
        }
      }
      if (j >= input.length) throw errors.invalidQuery(`Unterminated string at position ${i}`);
      tokens.push({ t: 'string', v: out });
      i = j + 1;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      if (!m) throw errors.invalidQuery(`Unexpected character '${c}' at position ${i}`);
      tokens.push({ t: 'number', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i))!;
      tokens.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else {
      throw errors.invalidQuery(`Unexpected character '${c}' at position ${i}`);
    }
  }
  return tokens;
}

export function parseQuery(input: string): QueryClause[] {
  const tokens = tokenize(input);
  const clauses: QueryClause[] = [];
  let i = 0;
  const peek = () => tokens[i];
  while (i < tokens.length) {
    const fieldTok = tokens[i++];
    if (!fieldTok || fieldTok.t !== 'ident') throw errors.invalidQuery('Expected a field name');
    if (fieldTok.v === 'AND' || fieldTok.v === 'and') {
      if (clauses.length === 0) throw errors.invalidQuery('Unexpected AND at the start of the query');
      continue;
    }
    let key: string | undefined;
    if (peek()?.t === '[') {
      i++;
      const k = tokens[i++];
      if (!k || k.t !== 'string') throw errors.invalidQuery(`Expected a quoted key after ${fieldTok.v}[`);
      if (k.v === '') throw errors.invalidQuery('Key cannot be empty');
      if (tokens[i++]?.t !== ']') throw errors.invalidQuery(`Expected ] after ${fieldTok.v}['${k.v}'`);
      key = k.v;
    }
    const opTok = tokens[i++];
    if (!opTok || opTok.t !== 'op') throw errors.invalidQuery(`Expected an operator after ${fieldTok.v}`);
    const valTok = tokens[i++];
    let value: QueryValue;
    if (!valTok) throw errors.invalidQuery(`Expected a value after ${fieldTok.v}${opTok.v}`);
    if (valTok.t === 'string' || valTok.t === 'number') value = valTok.v;
    else if (valTok.t === 'ident' && (valTok.v === 'true' || valTok.v === 'false')) value = valTok.v === 'true';
    else throw errors.invalidQuery(`Invalid value after ${fieldTok.v}${opTok.v}`);
    clauses.push(key === undefined ? { field: fieldTok.v, op: opTok.v, value } : { field: fieldTok.v, key, op: opTok.v, value });
  }
  return clauses;
}

/** Evaluates one comparison of a stored scalar against a clause value. */
export function compare(stored: unknown, op: QueryOp, value: QueryValue): boolean {
  switch (op) {
    case ':':
      return stored === value;
    case '^':
      return typeof stored === 'string' && typeof value === 'string' && stored.startsWith(value);
    case '<':
      return typeof stored === 'number' && typeof value === 'number' && stored < value;
    case '>':
      return typeof stored === 'number' && typeof value === 'number' && stored > value;
    case '<=':
      return typeof stored === 'number' && typeof value === 'number' && stored <= value;
    case '>=':
      return typeof stored === 'number' && typeof value === 'number' && stored >= value;
  }
}
