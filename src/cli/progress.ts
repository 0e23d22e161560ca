/**
 * Progress of `export`, `import` and `migrate`: per record kind, done/total, rate and ETA.
 * - on a TTY: `cli-progress` bars (one per kind), redrawn in place on the error stream;
 * - not a TTY: plain log lines, at most one per kind every few seconds and a last one per phase;
 * - `--json`: NDJSON `{"type":"progress",...}` events on stdout (throttled the same way, the last one of
 *   each kind and phase always sent).
 * @module
 */
import cliProgress from 'cli-progress';
import type { PortabilityProgress } from '../portability/index.js';

/** How progress is shown. */
export type ProgressMode = 'tty' | 'plain' | 'json';

type Phase = PortabilityProgress['phase'];

interface KindState {
  done: number;
  total?: number;
  started: number;
  lastShown: number;
  shownDone: number;
  bar?: cliProgress.SingleBar;
}

const PHASE_LABEL: Record<Phase, string> = { scan: 'checking', export: 'exporting', import: 'writing' };

/** Seconds as `1m05s` / `12s`. */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Shows portability progress events in one of three modes. */
export class ProgressReporter {
  private phase: Phase | undefined;
  private kinds = new Map<string, KindState>();
  private multibar: cliProgress.MultiBar | undefined;

  /**
   * @param mode - TTY bars, plain lines or JSON events.
   * @param stream - Where progress goes (the error stream for `tty` and `plain`, stdout for `json`).
   * @param intervalMs - Minimum time between two lines of one kind (`plain`, `json`).
   * @param now - The clock (tests).
   */
  constructor(
    readonly mode: ProgressMode,
    private readonly stream: NodeJS.WritableStream,
    private readonly intervalMs = mode === 'json' ? 250 : 2000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The `onProgress` callback to hand to the library. */
  readonly onProgress = (event: PortabilityProgress): void => {
    if (event.phase !== this.phase) {
      this.endPhase();
      this.phase = event.phase;
    }
    const t = this.now();
    let state = this.kinds.get(event.kind);
    if (!state) {
      // JSON consumers get the first event of a kind at once; a log gets its first line after an interval.
      state = { done: 0, started: t, lastShown: this.mode === 'json' ? Number.NEGATIVE_INFINITY : t, shownDone: -1 };
      this.kinds.set(event.kind, state);
    }
    state.done = event.done;
    if (event.total !== undefined) state.total = event.total;
    if (this.mode === 'tty') return this.draw(event.kind, state);
    const last = state.total !== undefined && state.done >= state.total;
    if (last || t - state.lastShown >= this.intervalMs) this.show(event.kind, state, t);
  };

  private rate(state: KindState, t: number): number {
    const seconds = (t - state.started) / 1000;
    return seconds > 0 ? state.done / seconds : 0;
  }

  private show(kind: string, state: KindState, t: number): void {
    state.lastShown = t;
    state.shownDone = state.done;
    const rate = this.rate(state, t);
    const eta = state.total !== undefined && rate > 0 ? (state.total - state.done) / rate : undefined;
    if (this.mode === 'json') {
      const event = { type: 'progress', phase: this.phase, kind, done: state.done, ...(state.total !== undefined ? { total: state.total } : {}), rate: Math.round(rate * 10) / 10, ...(eta !== undefined ? { etaSeconds: Math.round(eta) } : {}) };
      this.stream.write(`${JSON.stringify(event)}\n`);
      return;
    }
    const of = state.total !== undefined ? `/${state.total}` : '';
    const etaText = eta !== undefined && state.done < state.total! ? `, ETA ${duration(eta)}` : '';
    const rateText = rate > 0 ? ` (${rate.toFixed(1)}/s${etaText})` : '';
    this.stream.write(`${PHASE_LABEL[this.phase!]} ${kind}: ${state.done}${of}${rateText}\n`);
  }

  private draw(kind: string, state: KindState): void {
    if (!this.multibar) {
      this.multibar = new cliProgress.MultiBar(
        {
          stream: this.stream,
          format: `${PHASE_LABEL[this.phase!].padEnd(9)} {kind} |{bar}| {value}/{total} | {rate}/s | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          etaBuffer: 50,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
    }
    const rate = this.rate(state, this.now()).toFixed(1);
    const total = state.total ?? state.done;
    if (!state.bar) state.bar = this.multibar.create(total, state.done, { kind: kind.padEnd(12), rate });
    else {
      if (state.bar.getTotal() !== total) state.bar.setTotal(total);
      state.bar.update(state.done, { rate });
    }
  }

  private endPhase(): void {
    if (this.mode === 'tty') {
      this.multibar?.stop();
      this.multibar = undefined;
    } else {
      const t = this.now();
      for (const [kind, state] of this.kinds) if (state.shownDone !== state.done) this.show(kind, state, t);
    }
    this.kinds = new Map();
  }

  /** Shows the last state of every kind and releases the terminal. Call before printing the report. */
  stop(): void {
    this.endPhase();
    this.phase = undefined;
  }
}
