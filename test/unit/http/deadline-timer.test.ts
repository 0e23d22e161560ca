import { describe, expect, it } from 'vitest';
import { DeadlineTimer } from '../../../src/core/http/deadline-timer.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineTimer', () => {
  it('fires due entries in deadline order, re-arming for later ones', async () => {
    const timer = new DeadlineTimer();
    const fired: string[] = [];
    const now = performance.now();
    timer.add(now + 60, () => fired.push('late'));
    timer.add(now + 20, () => fired.push('early')); // earlier than the armed timer: re-arms sooner
    timer.add(now + 40, () => fired.push('middle'));
    await sleep(30);
    expect(fired).toEqual(['early']);
    await sleep(60);
    expect(fired).toEqual(['early', 'middle', 'late']);
  });

  it('never fires a removed entry, and keeps firing the others', async () => {
    const timer = new DeadlineTimer();
    const fired: string[] = [];
    const now = performance.now();
    const removed = timer.add(now + 10, () => fired.push('removed'));
    timer.add(now + 30, () => fired.push('kept'));
    timer.remove(removed);
    await sleep(60);
    expect(fired).toEqual(['kept']);
  });

  it('fires each entry once', async () => {
    const timer = new DeadlineTimer();
    let count = 0;
    timer.add(performance.now() + 5, () => count++);
    await sleep(30);
    timer.add(performance.now() + 5, () => {});
    await sleep(30);
    expect(count).toBe(1);
  });
});
