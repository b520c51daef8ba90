/**
 * What floats over a terminal: the loading sign, "↑ Earlier output", the history view's bar, and
 * the search (its button, its keys, and a link's place in the output to show at once).
 */

import "../history.css";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Place } from "../router";
import { opensSearch } from "../terminal/search-results";
import type { TerminalStatus, WorkerTerminal } from "../terminal/worker-terminal";
import { HistoryBar } from "./HistoryBar";
import { SearchIcon } from "./icons";
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
    else terminal.reveal(at.offset, null);
  }, [terminal, visible, at?.offset, at?.query]);

  useSearchKeys(visible, () => {
    setSearch((open) => open ?? null);
    setFocusSearch((n) => n + 1);
  });
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
      <div class="terminal-tools">
        {search === undefined ? (
          <button type="button" class="icon-button" title="Search this terminal's history (Ctrl+Shift+F)" aria-label="Search" data-testid="search-button" onClick={() => setSearch(null)}>
            <SearchIcon />
          </button>
        ) : (
          <TerminalSearch terminal={terminal} initial={search} focus={focusSearch} onClose={closeSearch} />
        )}
      </div>
      {status.loading && (
        <div class="terminal-loading" data-testid="terminal-loading">
          Loading…
        </div>
      )}
    </>
  );
}

/** Ctrl+Shift+F opens the search anywhere on the page; Ctrl+F too, unless the keyboard is in the
 * terminal, whose program may use it, or in a text field (see search-results.ts). */
function useSearchKeys(active: boolean, open: () => void): void {
  const latest = useRef(open);
  latest.current = open;
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target instanceof Element ? event.target : null;
      const inTerminal = target?.closest(".terminal-host") != null;
      const inField = target?.closest("input, textarea, select, [contenteditable]") != null && target.closest(".xterm, .terminal-search") == null;
      if (!opensSearch(event, inTerminal || inField)) return;
      event.preventDefault();
      event.stopPropagation();
      latest.current();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [active]);
}
