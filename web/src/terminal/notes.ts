/**
 * The server's out-of-band notes (OSC 6973, docs/protocol.md): what the console did to a running
 * agent — an answer given from the dashboard, a queued message delivered. They are not drawn on
 * the terminal's grid (a line written into a TUI's picture would garble it); each is shown as a
 * small label at the right end of the line where it happened, which scrolls with that line.
 */

import type { IDisposable, Terminal } from "@xterm/xterm";

export const NOTE_OSC = 6973;
const MAX_NOTES = 200; // the oldest labels go first; the text stays in the history (and search)

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
      if (element.textContent === text) return;
      element.className = `${element.className.replace(/\bterminal-note\b/, "").trim()} terminal-note`;
      element.textContent = text;
      element.title = text;
      element.setAttribute("role", "note");
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
