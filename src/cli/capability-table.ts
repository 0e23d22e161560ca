import { CAPABILITY_KEYS, type CapabilityDeclaration } from '../core/capabilities.js';
import { PROVIDER_IDS } from '../adapters/registry.js';
import { loadAdapter } from '../collab.js';
import { CollabError } from '../core/errors.js';
import { effectiveCapabilities } from '../core/absent-services.js';

const MARK = { yes: 'yes', partial: 'partial', no: 'no' } as const;

/** Renders one row per capability and one column per provider, as Markdown (README) or aligned text (terminal). */
export function renderCapabilityTable(providers: Record<string, CapabilityDeclaration>, format: 'markdown' | 'text' = 'text'): string {
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
  const widths = [Math.max(10, ...rows.map((r) => r[0]!.length)), ...names.map((n) => Math.max(n.length, 7))];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(['capability', ...names]), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (notes.length) out.push('', ...notes.map((n) => `* ${n}`));
  return out.join('\n');
}

/**
 * The capability declarations of every adapter shipped in this version, one column per adapter
 * (or per config variant, when an adapter's capabilities depend on its config).
 */
export async function shippedCapabilities(): Promise<Record<string, CapabilityDeclaration>> {
  const out: Record<string, CapabilityDeclaration> = {};
  for (const id of PROVIDER_IDS) {
    let adapter;
    try {
      adapter = await loadAdapter(id);
    } catch (err) {
      if (CollabError.is(err) && err.code === 'config_error') continue; // not part of this version
      throw err;
    }
    if (adapter.capabilityVariants) {
      for (const variant of adapter.capabilityVariants()) out[variant.label] = effectiveCapabilities(adapter, variant.declaration);
    } else {
      out[id] = effectiveCapabilities(adapter, adapter.capabilities({ provider: id } as never));
    }
  }
  return out;
}
