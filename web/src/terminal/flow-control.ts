/**
 * Flow control for one worker terminal (pure), as ttyd does it: output handed to xterm.js is
 * counted until its write callback says it was parsed. Past HIGH_WATER characters pending the
 * client asks the server to `pause`; below LOW_WATER it asks to `resume` — so a flood never
 * piles up in the page, and the server feeds a paused client from its log afterwards, losing
 * nothing. A terminal that is not visible is paused whatever is pending, and resumes (catching up
 * from the log) when it is shown again.
 *
 * Each method returns the message to send now, if any. `connected` is called for every new
 * socket, which the server starts unpaused.
 */

export const HIGH_WATER = 512 * 1024;
export const LOW_WATER = 128 * 1024;

export type FlowSignal = "pause" | "resume" | null;

export class FlowControl {
  private pendingChars = 0;
  private visible = true;
  private saturated = false;
  private serverPaused = false;

  constructor(
    readonly high: number = HIGH_WATER,
    readonly low: number = LOW_WATER,
  ) {}

  /** Characters handed to the terminal and not yet parsed. */
  get pending(): number {
    return this.pendingChars;
  }

  /** Whether the server was asked to stop sending. */
  get paused(): boolean {
    return this.serverPaused;
  }

  /** `chars` more characters were handed to the terminal. */
  received(chars: number): FlowSignal {
    this.pendingChars += chars;
    if (this.pendingChars > this.high) this.saturated = true;
    return this.settle();
  }

  /** The terminal's write callback: `chars` characters were parsed. */
  written(chars: number): FlowSignal {
    this.pendingChars = Math.max(0, this.pendingChars - chars);
    if (this.pendingChars < this.low) this.saturated = false;
    return this.settle();
  }

  setVisible(visible: boolean): FlowSignal {
    this.visible = visible;
    return this.settle();
  }

  /** A new socket (the server starts it unpaused): pause it at once if need be. */
  connected(): FlowSignal {
    this.serverPaused = false;
    return this.settle();
  }

  private settle(): FlowSignal {
    const want = !this.visible || this.saturated;
    if (want === this.serverPaused) return null;
    this.serverPaused = want;
    return want ? "pause" : "resume";
  }
}

/** The most a single write hands xterm.js: it parses each write whole, and a long parse would
 * hold the page (no task over 50 ms). */
export const CHUNK = 16 * 1024;

/** `text` in pieces of at most `size` characters, never splitting a surrogate pair. */
export function chunks(text: string, size: number = CHUNK): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - at > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** Synchronized output (DEC mode 2026): xterm.js draws nothing between these, so a history
 * written in many chunks is drawn once, when all of it is parsed, not at every frame meanwhile. */
export const BEGIN_SYNC = "\x1b[?2026h";
export const END_SYNC = "\x1b[?2026l";

export interface Writable {
  write(data: string, callback?: () => void): void;
}

/** Writes `text` in chunks; resolves once the terminal has parsed all of it. */
export function writeChunks(term: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    const pieces = chunks(text);
    if (pieces.length === 0) return resolve();
    pieces.forEach((piece, i) => term.write(piece, i === pieces.length - 1 ? resolve : undefined));
  });
}
