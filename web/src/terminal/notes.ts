/**
 * The server's out-of-band notes (OSC 6973, docs/protocol.md): what the console did to a running
 * agent — an answer given from the dashboard, a queued message delivered. They are not drawn on
 * the terminal's grid (a line written into a TUI's picture would garble it); each is shown as a
 * small label at the right end of the line where it happened, which scrolls with that line.
 *
 * A label takes only the blank cells at the end of its line (`noteRoom`), so it never covers
 * what a program drew there: its text is cut to fit, and where the line is (nearly) full it is
 * tucked into a thin tab at the edge. Pointing at it shows it whole, as does its tooltip.
 */

import type { IDisposable, Terminal } from "@xterm/xterm";

export const NOTE_OSC = 6973;
const MAX_NOTES = 200; // the oldest labels go first; the text stays in the history (and search)

/** The fewest cells worth showing a label's text in; with less room it is tucked into a tab. */
export const MIN_ROOM = 8;

export type NoteRoom = { cells: number } | "tucked";

/** Where a note's label goes on a line of `cols` cells whose cell `x` holds `chars(x)` ("" when
 * blank): the blank cells at its end but one (a gap after the program's text), or "tucked" when
 * those are fewer than MIN_ROOM. */
export function noteRoom(chars: (x: number) => string, cols: number): NoteRoom {
  let blank = 0;
  while (blank < cols && /^\s*$/.test(chars(cols - 1 - blank))) blank++;
  const cells = blank - 1;
  return cells >= MIN_ROOM ? { cells } : "tucked";
}

/** Shows `term`'s notes; needs `allowProposedApi` (decorations). */
export function showNotes(term: Terminal): IDisposable {
  const shown: IDisposable[] = [];
  const handler = term.parser.registerOscHandler(NOTE_OSC, (text) => {
    const marker = term.registerMarker(0);
    const decoration = term.registerDecoration({ marker, layer: "top" }); // placed by styles.css
    if (decoration === undefined) {
      marker.dispose();
      return true;
    }
    decoration.onRender((element) => {
      if (element.textContent !== text) {
        element.className = `${element.className.replace(/\bterminal-note\b/, "").trim()} terminal-note`;
        element.textContent = text;
        element.title = text;
        element.setAttribute("role", "note");
      }
      if (element.style.display !== "none") fit(term, marker.line, element);
    });
    shown.push(decoration, marker);
    while (shown.length > 2 * MAX_NOTES) shown.splice(0, 2).forEach((d) => d.dispose());
    return true;
  });
  return {
    dispose: () => {
      handler.dispose();
      shown.splice(0).forEach((d) => d.dispose());
    },
  };
}

/** Fits a label into the blank end of buffer line `line`, as that line reads now (a program may
 * have drawn on it since the note came). */
function fit(term: Terminal, line: number, element: HTMLElement): void {
  const row = term.buffer.active.getLine(line);
  const width = element.parentElement?.clientWidth ?? 0;
  if (row === undefined || width === 0) return;
  const cell = term.buffer.active.getNullCell(); // one cell object read into, not one a cell
  const room = noteRoom((x) => row.getCell(x, cell)?.getChars() ?? "", term.cols);
  element.classList.toggle("tucked", room === "tucked");
  element.style.maxWidth = room === "tucked" ? "" : `${Math.floor((room.cells * width) / term.cols)}px`;
}
