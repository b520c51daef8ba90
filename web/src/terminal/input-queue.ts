/**
 * What the user types while the worker socket is down: kept in order up to a bound and sent on
 * reconnect. Past the bound everything is refused (and counted) until the next drain, so what
 * reaches the program is always a prefix of what was typed, never a sequence with holes.
 */

export const OFFLINE_INPUT_LIMIT = 4096;

export class InputQueue {
  private chunks: string[] = [];
  private size = 0;
  private refusedChars = 0;

  constructor(readonly limit: number = OFFLINE_INPUT_LIMIT) {}

  /** Characters waiting to be sent. */
  get queued(): number {
    return this.size;
  }

  /** Characters refused since the last drain (the queue was full). */
  get refused(): number {
    return this.refusedChars;
  }

  /** Queues `data`; false (and counted as refused) once the bound has been reached. */
  push(data: string): boolean {
    if (this.refusedChars > 0 || this.size + data.length > this.limit) {
      this.refusedChars += data.length;
      return false;
    }
    this.chunks.push(data);
    this.size += data.length;
    return true;
  }

  /** Everything queued, in order, as one string; the queue starts over empty. */
  drain(): string {
    const data = this.chunks.join("");
    this.clear();
    return data;
  }

  /** Forgets what was queued (the worker is gone). */
  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.refusedChars = 0;
  }
}
