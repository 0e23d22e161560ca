import type { CapabilityKey, CapabilityLevel } from '../core/capabilities.js';
import type { Collab } from '../core/container.js';

/** The groups of the conformance suite; each maps to one service (plus `capabilities` and `errors`). */
export const CONFORMANCE_GROUPS = [
  'capabilities',
  'rooms',
  'users',
  'threads',
  'comments',
  'reactions',
  'presence',
  'notifications',
  'auth',
  'events',
  'webhooks',
  'documents',
  'storage',
  'errors',
] as const;

/** A group of conformance checks, e.g. `threads`. Use it in `only` and `skip`. */
export type GroupName = (typeof CONFORMANCE_GROUPS)[number];

/** Receives broadcasts of one room through the vendor's own client (see `ConformanceProbe.watchBroadcasts`). */
export interface BroadcastWatcher {
  /** Every payload received so far, in order. */
  received(): unknown[];
  /** Stops listening (disconnects the probe's client). */
  close(): Promise<void> | void;
}

/**
 * Reads vendor state directly (raw HTTP, a second official client, or the in-memory store), so an
 * adapter cannot pass the suite by agreeing with itself. Every member is optional: the suite uses
 * each one when it is present and skips that extra assertion otherwise.
 *
 * "Missing" answers are `false` / `undefined`; a probe should throw only when it cannot answer at all.
 */
export interface ConformanceProbe {
  /** True when the room exists in the vendor. */
  roomExists?(roomId: string): Promise<boolean>;
  /** The room's name as the vendor stores it (`undefined` when it has none or the room does not exist). */
  roomName?(roomId: string): Promise<string | undefined>;
  /** The room's metadata as the vendor stores it, or `undefined` when the room does not exist. */
  roomMetadata?(roomId: string): Promise<Record<string, unknown> | undefined>;
  /** True when the user exists in the vendor's user store. */
  userExists?(userId: string): Promise<boolean>;
  /** The user's profile as the vendor stores it, or `undefined` when the user does not exist. */
  user?(userId: string): Promise<ProbedUser | undefined>;
  /** True when the thread exists. */
  threadExists?(roomId: string, threadId: string): Promise<boolean>;
  /** The thread's resolved flag as the vendor stores it, or `undefined` when the thread does not exist. */
  threadResolved?(roomId: string, threadId: string): Promise<boolean | undefined>;
  /** Who resolved the thread as the vendor stores it (`undefined` when unresolved, unknown or missing). */
  threadResolvedBy?(roomId: string, threadId: string): Promise<string | undefined>;
  /** The thread's metadata as the vendor stores it, or `undefined` when the thread does not exist. */
  threadMetadata?(roomId: string, threadId: string): Promise<Record<string, unknown> | undefined>;
  /**
   * The comment's text as the vendor stores it (plain text, HTML or markdown: the suite only checks that
   * the words it wrote appear), or `undefined` when the comment does not exist or is deleted.
   */
  commentText?(roomId: string, threadId: string, commentId: string): Promise<string | undefined>;
  /** The users who reacted to the comment with `emoji` (empty when none). */
  reactionUsers?(roomId: string, threadId: string, commentId: string, emoji: string): Promise<string[]>;
  /** True when the notification is read, false when unread, `undefined` when it does not exist. */
  notificationRead?(userId: string, notificationId: string): Promise<boolean | undefined>;
  /** The ids of the user's notifications. */
  notificationIds?(userId: string): Promise<string[]>;
  /**
   * What a client token grants, read the vendor's way (decoding its claims, or asking the vendor):
   * the user and the level per room pattern (`*`-suffixed patterns as given). `undefined` when the
   * probe cannot read this token.
   */
  tokenGrant?(token: string): Promise<ProbedTokenGrant | undefined>;
  /** The webhook subscription as the vendor stores it, or `undefined` when it does not exist. */
  subscription?(subscriptionId: string): Promise<ProbedSubscription | undefined>;
  /** The ids of the users the vendor reports present in the room. */
  presenceUserIds?(roomId: string): Promise<string[]>;
  /**
   * The JSON form of a document's root shared type as the vendor holds it (read without the adapter),
   * or `undefined` when the key is absent.
   */
  documentValue?(roomId: string, key: string, type: 'text' | 'map' | 'array' | 'xml'): Promise<unknown>;
  /** Starts listening to the room's broadcasts; the suite broadcasts, then reads `received()`. */
  watchBroadcasts?(roomId: string): Promise<BroadcastWatcher>;
  /**
   * How many requests the adapter sent to the vendor so far (proves validation happens before any
   * request). For an embedded provider, count the operations on its store instead.
   */
  requestCount?(): number | Promise<number>;
  /**
   * Set to `true` when the provider can POST webhooks to a server on 127.0.0.1 (memory, local emulators).
   * Enables the webhook delivery check. A vendor SaaS cannot reach localhost: leave it unset.
   */
  webhooksReachLocalhost?: boolean;
}

/** A user as `ConformanceProbe.user` reads it from the vendor. */
export interface ProbedUser {
  name?: string | undefined;
  email?: string | undefined;
}

/** What a token grants, as `ConformanceProbe.tokenGrant` reads it. */
export interface ProbedTokenGrant {
  /** The user the token is for. */
  userId: string;
  /** Room id or `*`-suffixed pattern -> granted level. */
  rooms: Record<string, 'read' | 'write'>;
}

/** A webhook subscription as `ConformanceProbe.subscription` reads it. */
export interface ProbedSubscription {
  url: string;
  /** The normalised event types, when the probe can tell them (omitted when the vendor stores its own names only). */
  events?: string[];
}

/** Options of `describeConformance` and `runConformance`. */
export interface ConformanceOptions {
  /** A name for the run (the provider and where it runs, e.g. `liveblocks dev server`). */
  name: string;
  /** Creates the collab under test. Called once per run; the suite calls `close()` at the end. */
  create: () => Promise<Collab>;
  /** Reads vendor state directly; see `ConformanceProbe`. */
  probe?: ConformanceProbe;
  /** Timeout of one check in milliseconds (default 30 000; slow checks get 20 s more). */
  timeoutMs?: number;
  /** How long to poll for asynchronous effects (notifications, list consistency, webhooks) in ms (default 5 000). */
  settleMs?: number;
  /** Run only these groups. */
  only?: readonly GroupName[];
  /**
   * Skip groups or single checks, with the reason printed in the test title. Keys are group names
   * (`presence`) or check ids (`presence.expiry`); unknown keys throw, so a typo cannot hide a check.
   */
  skip?: Partial<Record<GroupName | (string & {}), string>>;
  /** Configured secrets (API keys, tokens) that must never appear in an error message, `toJSON()`, stack or `raw`. */
  secrets?: readonly string[];
}

/** What a check receives: the collab under test, the probe and helpers for unique ids and cleanup. */
export interface ConformanceContext {
  /** The collab under test. */
  readonly collab: Collab;
  /** The probe (an empty object when none was given). */
  readonly probe: ConformanceProbe;
  /** A random tag of this run, also used as the value of the `ucConformance` room metadata key. */
  readonly runId: string;
  /** How long to poll for asynchronous effects, in ms. */
  readonly settleMs: number;
  /** Secrets that must never leak. */
  readonly secrets: readonly string[];
  /** A new id unique to this run, e.g. `uc-k3x9a1-room-4`. */
  id(kind: string): string;
  /** Registers a best-effort cleanup, run after the check (last registered first); its errors are ignored. */
  defer(cleanup: () => unknown): void;
  /** The declared level of a capability. */
  level(key: CapabilityKey): CapabilityLevel;
  /** True when the capability is `yes` or `partial`. */
  available(key: CapabilityKey): boolean;
  /** Ends the check as skipped, printing `reason`. */
  skip(reason: string): never;
}

/** One conformance check: a plain async function, so it runs under vitest or programmatically. */
export interface ConformanceCheck {
  /** Stable id, `<group>.<slug>` (use it as a key of `skip`). */
  id: string;
  /** The group it belongs to. */
  group: GroupName;
  /** What it checks, shown as the test title. */
  name: string;
  /** Capabilities that must be `yes` or `partial` for the check to run; otherwise it is skipped with the reason. */
  requires: readonly CapabilityKey[];
  /** When set, the check runs only when this capability is `no` (it asserts `UnsupportedFeatureError`). */
  unsupported?: CapabilityKey;
  /** Probe members the check cannot run without. */
  requiresProbe?: ReadonlyArray<keyof ConformanceProbe>;
  /** Takes longer (waits for expiry or delivery): gets extra time. */
  slow?: boolean;
  /** The check; throws (an assertion error) to fail. */
  run(ctx: ConformanceContext): Promise<void>;
}

/** The outcome of one check in `runConformance`. */
export interface ConformanceResult {
  /** The check id. */
  id: string;
  /** The check's group. */
  group: GroupName;
  /** The check's title. */
  name: string;
  /** `passed`, `failed`, or `skipped` (with `reason`). */
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  /** Why it failed. */
  error?: unknown;
  /** How long it ran, in ms. */
  durationMs: number;
}
