import { describe, expect, it } from 'vitest';
import { fullJitterBackoffMs, SCHEDULE_JITTER, scheduledBackoffMs } from '../../../src/core/backoff.js';

describe('fullJitterBackoffMs', () => {
  it('spreads over [0, min(max, base * 2^(attempt-1)))', () => {
    expect(fullJitterBackoffMs(1, 250, 20_000, () => 0)).toBe(0);
    expect(fullJitterBackoffMs(1, 250, 20_000, () => 0.5)).toBe(125);
    expect(fullJitterBackoffMs(3, 250, 20_000, () => 0.5)).toBe(500);
    expect(fullJitterBackoffMs(20, 250, 20_000, () => 0.5)).toBe(10_000);
  });
});

describe('scheduledBackoffMs', () => {
  const schedule = [0, 1000, 10_000];

  it('jitters each scheduled delay by ±20%, keeps 0 at 0, and ends with the schedule', () => {
    expect(SCHEDULE_JITTER).toBe(0.2);
    expect(scheduledBackoffMs(schedule, 0, undefined, () => 0.99)).toBe(0);
    expect(scheduledBackoffMs(schedule, 1, undefined, () => 0)).toBe(800);
    expect(scheduledBackoffMs(schedule, 1, undefined, () => 0.5)).toBe(1000);
    expect(scheduledBackoffMs(schedule, 2, undefined, () => 1)).toBe(12_000);
    expect(scheduledBackoffMs(schedule, 3)).toBeUndefined();
  });

  it('caps a delay at maxMs', () => {
    expect(scheduledBackoffMs(schedule, 2, 5000, () => 0.5)).toBe(5000);
  });
});
