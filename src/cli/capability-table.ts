import { CAPABILITY_KEYS, type CapabilityDeclaration, type CapabilityLevel } from '../core/capabilities.js';
import { PROVIDER_IDS } from '../adapters/registry.js';
import { loadAdapter } from '../collab.js';
import { CollabError } from '../core/errors.js';
import { effectiveCapabilities } from '../core/absent-services.js';
import { wrap } from './output.js';

const MARK = { yes: 'yes', partial: 'partial', no: 'no' } as const;

/** Layout options of {@link renderCapabilityTable}. */
export interface CapabilityTableOptions {
  /**
   * Columns the text format must fit in (e.g. the terminal's). Notes are wrapped to it, and a table
   * wider than it is printed as one block per provider instead. Unset: no limit. Ignored for Markdown.
   */
  width?: number;
}

/**
 * Renders one row per capability and one column per provider, as Markdown (README) or aligned text
 * (terminal). In text with a `width`, a table that would not fit becomes one block per provider, listing
 * its capabilities by level, and every line (notes included) is at most `width` characters.
 */
export function renderCapabilityTable(
  providers: Record<string, CapabilityDeclaration>,
  format: 'markdown' | 'text' = 'text',
  options: CapabilityTableOptions = {},
): string {
  const names = Object.keys(providers);
  const rows = CAPABILITY_KEYS.map((key) => [key, ...names.map((n) => MARK[providers[n]!.levels[key]])]);
  // One line per distinct note, naming every column it applies to (config variants share most notes).
  const grouped = new Map<string, { key: string; level: string; note: string; columns: string[] }>();
  for (const name of names) {
    const decl = providers[name]!;
    for (const key of CAPABILITY_KEYS) {
      const note = decl.notes[key];
      if (!note) continue;
      const id = `${key}\u0000${decl.levels[key]}\u0000${note}`;
      const entry = grouped.get(id) ?? { key, level: decl.levels[key], note, columns: [] };
      entry.columns.push(name);
      grouped.set(id, entry);
    }
  }
  const notes = [...grouped.values()].map((n) => `${n.columns.join(', ')}: ${n.key} (${n.level}): ${n.note}`);
  if (format === 'markdown') {
    const header = `| capability | ${names.join(' | ')} |`;
    const sep = `|---|${names.map(() => '---').join('|')}|`;
    const body = rows.map((r) => `| \`${r[0]}\` | ${r.slice(1).join(' | ')} |`).join('\n');
    const noteList = notes.length ? `\n\nNotes:\n\n${notes.map((n) => `- ${n}`).join('\n')}` : '';
    return `${header}\n${sep}\n${body}${noteList}`;
  }
  const width = options.width;
  const widths = [Math.max(10, ...rows.map((r) => r[0]!.length)), ...names.map((n) => Math.max(n.length, 7))];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  let out = [line(['capability', ...names]), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (width !== undefined && out.some((l) => l.length > width)) out = providerBlocks(providers, width);
  if (notes.length) {
    out.push('', 'Notes:');
    for (const note of notes) out.push(...(width === undefined ? [`* ${note}`] : wrap(`* ${note}`, width, 2)));
  }
  return out.join('\n');
}

const LEVELS: readonly CapabilityLevel[] = ['yes', 'partial', 'no'];

/** The narrow layout: per provider, its capabilities listed by level, wrapped under a hanging indent. */
function providerBlocks(providers: Record<string, CapabilityDeclaration>, width: number): string[] {
  const out: string[] = [];
  for (const [name, decl] of Object.entries(providers)) {
    if (out.length) out.push('');
    out.push(...wrap(name, width, 2));
    for (const level of LEVELS) {
      const keys = CAPABILITY_KEYS.filter((key) => decl.levels[key] === level);
      // "  partial: a, b," with continuation lines under the first key.
      const lines = wrap(keys.length ? keys.join(', ') : '(none)', width - 11);
      out.push(...lines.map((l, i) => `${i === 0 ? `  ${level}:`.padEnd(11) : ' '.repeat(11)}${l}`));
    }
  }
  return out;
}

/** One capability declaration shipped in this version: an adapter's, or one of its config variants'. */
export interface ShippedCapabilities {
  /** The provider id (`liveblocks`, ...). */
  provider: string;
  /** The human-readable column label of the README table, e.g. `liveblocks (+management token)`. */
  label: string;
  /**
   * The config this declaration holds for, by config field: `true` set, `false` unset (e.g.
   * `{ managementToken: true }`). Empty for an adapter whose capabilities do not depend on its config.
   */
  variant: Record<string, boolean>;
  /** Its effective capabilities (services the adapter leaves out are `no`). */
  declaration: CapabilityDeclaration;
}

/**
 * Every capability declaration shipped in this version, in registry order: one per adapter, or one per
 * config variant when an adapter's capabilities depend on its config.
 */
export async function shippedCapabilityEntries(): Promise<ShippedCapabilities[]> {
  const out: ShippedCapabilities[] = [];
  for (const id of PROVIDER_IDS) {
    let adapter;
    try {
      adapter = await loadAdapter(id);
    } catch (err) {
      if (CollabError.is(err) && err.code === 'config_error') continue; // not part of this version
      throw err;
    }
    if (adapter.capabilityVariants) {
      for (const variant of adapter.capabilityVariants()) {
        out.push({ provider: id, label: variant.label, variant: { ...variant.variant }, declaration: effectiveCapabilities(adapter, variant.declaration) });
      }
    } else {
      out.push({ provider: id, label: id, variant: {}, declaration: effectiveCapabilities(adapter, adapter.capabilities({ provider: id } as never)) });
    }
  }
  return out;
}

/**
 * The capability declarations of every adapter shipped in this version, keyed by column label (one
 * per adapter, or per config variant, when an adapter's capabilities depend on its config): the input
 * of the README table.
 */
export async function shippedCapabilities(): Promise<Record<string, CapabilityDeclaration>> {
  return Object.fromEntries((await shippedCapabilityEntries()).map((entry) => [entry.label, entry.declaration]));
}

/**
 * The machine-readable form of {@link shippedCapabilityEntries} (`unicollab capabilities --json`):
 * `{ provider, label, variant, capabilities, notes }` per declaration.
 */
export function capabilitiesJson(entries: readonly ShippedCapabilities[]): Array<Record<string, unknown>> {
  return entries.map(({ provider, label, variant, declaration }) => ({ provider, label, variant, capabilities: declaration.levels, notes: declaration.notes }));
}
