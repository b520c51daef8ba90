/**
 * What floats over a terminal: the loading sign, "↑ Earlier output", the history view's bar, and
 * the search box (opened by its keys — keymap.ts — or the toolbar's Search button, both through
 * the shown terminal's "search" command, or by a link's place in the output to show at once).
 */

import "../history.css";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Place } from "../router";
import type { TerminalStatus, WorkerTerminal } from "../terminal/worker-terminal";
import { HistoryBar } from "./HistoryBar";
import { useCommand } from "./shortcuts";
import { TerminalSearch } from "./TerminalSearch";

interface Props {
  terminal: WorkerTerminal;
  status: TerminalStatus;
  visible: boolean;
  /** A place in the output to show at once (a link: `?offset=…&q=…`). */
  at: Place | null;
}

type Search = { query: string; near: number | null } | null; // open: with what to look for at once

export function TerminalOverlays({ terminal, status, visible, at }: Props) {
  const [search, setSearch] = useState<Search | undefined>(undefined);
  const [focusSearch, setFocusSearch] = useState(0);

  useEffect(() => {
    if (!visible || at === null) return;
    if (at.query !== null) setSearch({ query: at.query, near: at.offset });
    else void terminal.reveal(at.offset, null);
  }, [terminal, visible, at?.offset, at?.query]);

  // Ctrl+Shift+F, or Ctrl+F outside the terminal (keymap.ts): the shown terminal's search.
  useCommand(
    "search",
    visible
      ? () => {
          setSearch((open) => open ?? null);
          setFocusSearch((n) => n + 1);
        }
      : null,
  );
  const closeSearch = useCallback(() => {
    setSearch(undefined);
    terminal.focus();
  }, [terminal]);

  return (
    <>
      {status.history.open && <HistoryBar terminal={terminal} status={status.history} liveEnd={terminal.offset ?? 0} />}
      {status.earlier && !status.history.open && (
        <button type="button" class="button small earlier-pill" onClick={() => terminal.openHistory()}>
          ↑ Earlier output
        </button>
      )}
      {search !== undefined && <TerminalSearch terminal={terminal} initial={search} focus={focusSearch} onClose={closeSearch} />}
      {status.loading && (
        <div class="terminal-loading" data-testid="terminal-loading">
          Loading…
        </div>
      )}
    </>
  );
}
