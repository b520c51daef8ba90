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

/** A history (with `?tail=`) brings `modes`, the escape sequence that puts the terminal in the
 * modes in effect where its data starts (alternate screen, cursor keys, ...): written first. */
export function planHistory(
  rendered: number | null,
  message: { data: string; offset: number; startOffset: number; modes?: string },
): Plan {
  const reset = rendered !== null && message.startOffset !== rendered;
  return { reset, write: (message.modes ?? "") + message.data, rendered: message.offset };
}

export function planOutput(rendered: number | null, message: { data: string; offset: number }): Plan {
  if (rendered !== null && message.offset <= rendered) return { reset: false, write: "", rendered };
  return { reset: false, write: message.data, rendered: message.offset };
}
