/**
 * Offset bookkeeping for one worker terminal (pure): what to write for each `history` and
 * `output`, so a reconnect with `?offset=` continues the screen with nothing lost or repeated.
 *
 * `rendered` is the absolute byte offset of the end of what the screen shows (null before the
 * first `history`). Offsets count bytes of the raw PTY stream, which `data` cannot be measured
 * against: the server decodes it, so each invalid byte arrives as U+FFFD (3 bytes in UTF-8, 1 on
 * the wire). Frames are therefore taken whole, relying on what the server guarantees on one
 * socket: `history` covers [startOffset, offset) and every later `output` starts exactly at the
 * previous message's `offset`. A frame that ends beyond `rendered` is all new; one that does not
 * is a whole frame already shown (the client reconnects with ?offset=<rendered>, so a frame can
 * never straddle it).
 */

export interface Plan {
  /** Clear the screen before writing (the server's history does not continue ours). */
  reset: boolean;
  write: string;
  rendered: number;
}

/** The line written into the terminal where output that left retention is gone for good
 * (`history.lostBytes`); nothing when none was lost. */
export function lostNotice(lostBytes: number | undefined): string {
  if (lostBytes === undefined || lostBytes <= 0) return "";
  return `\x1b[0;2m── ${lostBytes} bytes of output were lost ──\x1b[0m\r\n`;
}

/** A history (with `?tail=`) brings `modes`, the escape sequence that puts the terminal in the
 * modes in effect where its data starts (alternate screen, cursor keys, ...): written first,
 * after the notice of any bytes lost before it. */
export function planHistory(
  rendered: number | null,
  message: { data: string; offset: number; startOffset: number; modes?: string; lostBytes?: number },
): Plan {
  const reset = rendered !== null && message.startOffset !== rendered;
  const write = lostNotice(message.lostBytes) + (message.modes ?? "") + message.data;
  return { reset, write, rendered: message.offset };
}

export function planOutput(rendered: number | null, message: { data: string; offset: number }): Plan {
  if (rendered !== null && message.offset <= rendered) return { reset: false, write: "", rendered };
  return { reset: false, write: message.data, rendered: message.offset };
}
