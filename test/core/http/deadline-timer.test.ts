import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineTimer } from '../../../src/core/http/deadline-timer.js';

// Fake timers fake `performance.now()` too, so these tests never depend on how loaded the machine is.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DeadlineTimer', () => {
  it('fires due entries in deadline order, re-arming for later ones', () => {
    const timer = new DeadlineTimer();
    const fired: string[] = [];
    const now = performance.now();
    timer.add(now + 60, () => fired.push('late'));
    timer.add(now + 20, () => fired.push('early')); // earlier than the armed timer: re-arms sooner
    timer.add(now + 40, () => fired.push('middle'));
    vi.advanceTimersByTime(30);
    expect(fired).toEqual(['early']);
    vi.advanceTimersByTime(60);
    expect(fired).toEqual(['early', 'middle', 'late']);
  });

  it('entries that fall due in one tick fire in deadline order, not insertion order', () => {
    const timer = new DeadlineTimer();
    const fired: number[] = [];
    const now = performance.now();
    // All added before any fires; the single timer wakes once, late, with every entry due.
    for (const offset of [50, 10, 40, 20, 30]) timer.add(now + offset, () => fired.push(offset));
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([10, 20, 30, 40, 50]);
  });

  it('an entry due within a callback-added window still fires, and is not fired twice', () => {
    const timer = new DeadlineTimer();
    const fired: string[] = [];
    const now = performance.now();
    timer.add(now + 10, () => {
      fired.push('first');
      timer.add(performance.now() + 5, () => fired.push('added'));
    });
    timer.add(now + 100, () => fired.push('later'));
    vi.advanceTimersByTime(20);
    expect(fired).toEqual(['first', 'added']);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual(['first', 'added', 'later']);
  });

  it('never fires a removed entry, and keeps firing the others', () => {
    const timer = new DeadlineTimer();
    const fired: string[] = [];
    const now = performance.now();
    const removed = timer.add(now + 10, () => fired.push('removed'));
    timer.add(now + 30, () => fired.push('kept'));
    timer.remove(removed);
    vi.advanceTimersByTime(60);
    expect(fired).toEqual(['kept']);
  });

  it('fires each entry once', () => {
    const timer = new DeadlineTimer();
    let count = 0;
    timer.add(performance.now() + 5, () => count++);
    vi.advanceTimersByTime(30);
    timer.add(performance.now() + 5, () => {});
    vi.advanceTimersByTime(30);
    expect(count).toBe(1);
  });
});
