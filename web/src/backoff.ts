/** The seed's reconnection delay: min(1 s × 2^n, 30 s) ± 30 % jitter (pure). */

export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
export const JITTER = 0.3;

/**
 * Delay before reconnect attempt `n` (0 for the first retry after a drop).
 * `random` returns a number in [0, 1), as Math.random does; 0.5 means no jitter.
 */
export function backoffDelay(n: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(n)), 16);
  const base = Math.min(BASE_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
  const jitter = base * JITTER * (2 * random() - 1);
  return Math.round(base + jitter);
}
