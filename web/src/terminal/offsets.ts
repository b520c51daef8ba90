/**
 * Offset bookkeeping for one worker terminal (pure): what to write for each `history` and
 * `output`, so a reconnect with `?offset=` continues the screen with nothing lost or repeated.
 *
 * `rendered` is the absolute byte offset of the end of what the screen shows (null before the
 * first `history`). Offsets count UTF-8 bytes of the PTY stream; `data` is whole characters.
 */

export interface Plan {
  /** Clear the screen before writing (the server's history does not continue ours). */
  reset: boolean;
  write: string;
  rendered: number;
}

export function planHistory(
  rendered: number | null,
  message: { data: string; offset: number; startOffset: number },
): Plan {
  const reset = rendered !== null && message.startOffset !== rendered;
  return { reset, write: message.data, rendered: message.offset };
}

export function planOutput(rendered: number | null, message: { data: string; offset: number }): Plan {
  if (rendered === null) return { reset: false, write: message.data, rendered: message.offset };
  if (message.offset <= rendered) return { reset: false, write: "", rendered };
  const start = message.offset - utf8Length(message.data);
  const write = start >= rendered ? message.data : dropUtf8Bytes(message.data, rendered - start);
  return { reset: false, write, rendered: message.offset };
}

/** Bytes `text` takes in UTF-8 (a lone surrogate counts as U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** `text` without its first `count` UTF-8 bytes (a character cut in two is dropped whole). */
export function dropUtf8Bytes(text: string, count: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < count) {
    const pair = isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1));
    bytes += utf8Length(text.slice(i, i + (pair ? 2 : 1)));
    i += pair ? 2 : 1;
  }
  return text.slice(i);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
