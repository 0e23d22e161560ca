/**
 * The conformance probe of a self-hosted Velt organization: Velt's side is the emulator, the content side
 * is the `VeltContentStore`, both read directly (not through the adapter). Every content read also checks
 * that Velt's side holds none of it, so each conformance check that reads a comment text or a user profile
 * proves it was kept off Velt (docs/vendors/velt-self-hosting.md §1.9).
 */
import type { ConformanceProbe } from '../../../../src/testing/index.js';
import type { VeltContentStore } from '../../../../src/adapters/velt/self-hosting/store.js';
import type { VeltEmulator } from '../emulator/server.js';
import { veltProbe } from './velt-probe.js';

/** What Velt's side may not hold for a self-hosted organization: every leak found, as readable lines. */
export function veltSideLeaks(emulator: VeltEmulator, org: string): string[] {
  const leaks: string[] = [];
  for (const { annotation } of emulator.state.annotationsOf(org)) {
    const userLeak = (where: string, u: Record<string, unknown> | undefined) => {
      for (const f of ['name', 'email', 'photoUrl']) if (u && u[f] !== undefined) leaks.push(`${where}.${f} of annotation ${annotation.annotationId}`);
    };
    userLeak('from', annotation.from as Record<string, unknown>);
    for (const c of annotation.comments) {
      if (c.commentText !== undefined) leaks.push(`commentText of comment ${c.commentId} (${annotation.annotationId})`);
      if (c.commentHtml !== undefined) leaks.push(`commentHtml of comment ${c.commentId} (${annotation.annotationId})`);
      if (c.isCommentResolverUsed !== true) leaks.push(`comment ${c.commentId} (${annotation.annotationId}) is not flagged isCommentResolverUsed`);
      userLeak(`comment ${c.commentId} from`, c.from as Record<string, unknown>);
      for (const t of c.taggedUserContacts) userLeak(`comment ${c.commentId} tagged contact`, t.contact as Record<string, unknown>);
      for (const r of c.reactionAnnotations) if (r.icon !== undefined) leaks.push(`icon of reaction ${r.annotationId}`);
    }
  }
  for (const u of emulator.state.usersOf(org)) {
    for (const f of ['name', 'email', 'photoUrl'] as const) if (u[f] !== undefined) leaks.push(`user ${u.userId} ${f}`);
  }
  return leaks;
}

/** The probe: Velt-side reads from `veltProbe`, content reads from the store (after checking Velt has none). */
export function veltSelfHostedProbe(current: () => VeltEmulator | undefined, org: string, store: () => VeltContentStore): ConformanceProbe {
  const base = veltProbe(current, org);
  const emulator = () => {
    const e = current();
    if (!e) throw new Error('emulator not started');
    return e;
  };
  return {
    ...base,
    user: async (id) => {
      const atVelt = emulator().state.user(org, id);
      if (!atVelt) return undefined;
      if (atVelt.name !== undefined || atVelt.email !== undefined || atVelt.photoUrl !== undefined) {
        throw new Error(`self-hosted: Velt holds the profile of user ${id} (${JSON.stringify({ name: atVelt.name, email: atVelt.email })})`);
      }
      const profile = (await store().users.get(org, [id]))[id];
      return profile ? { name: profile.name, email: profile.email } : {};
    },
    commentText: async (roomId, threadId, commentId) => {
      if (!/^\d+$/.test(commentId)) return undefined;
      const atVelt = emulator().state.comment(org, roomId, threadId, Number(commentId));
      if (!atVelt) return undefined;
      if (atVelt.commentText !== undefined || atVelt.commentHtml !== undefined || atVelt.isCommentResolverUsed !== true) {
        throw new Error(`self-hosted: Velt holds the text of comment ${commentId} (${JSON.stringify(atVelt.commentText ?? atVelt.commentHtml)})`);
      }
      const record = (await store().comments.get(org, { annotationIds: [threadId] }))[threadId];
      return record?.comments[commentId]?.commentText;
    },
  };
}

/** Keys that carry content a self-hosted organization keeps off Velt. */
const CONTENT_KEYS = new Set(['commentText', 'commentHtml', 'name', 'email', 'photoUrl', 'icon']);

/**
 * Every content field in the bodies the adapter sent to the emulator (path + JSON path), for the write
 * endpoints of comments and users. Document and organization names are not user content: `documentName`
 * and `organizationName` are other keys.
 */
export function contentSentToVelt(emulator: VeltEmulator): string[] {
  const found: string[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // A status's or priority's `name` ("Resolved") is workspace configuration, not user content.
        if (CONTENT_KEYS.has(k) && v !== undefined && v !== null && !/\.(status|priority)$/.test(where)) found.push(`${where}.${k}`);
        walk(v, `${where}.${k}`);
      }
    }
  };
  for (const r of emulator.requests) {
    if (/\/v2\/(commentannotations|users)\//.test(r.path) && !/\/get$/.test(r.path.split('?')[0]!)) walk(r.body, r.path);
  }
  return found;
}
