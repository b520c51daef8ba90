/**
 * Search in one terminal's whole history: the server finds the lines (all the retained output,
 * not only what the browser holds), the history view pages in the one shown and highlights the
 * text. Enter or ↑ goes to the older match, Shift+Enter or ↓ to the newer one, Esc closes. The box
 * moves to the terminal's other edge while the match it shows lies under it (search-box-place.ts).
 */

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { flipped, type Box } from "../terminal/search-box-place";
import { SearchResults } from "../terminal/search-results";
import type { WorkerTerminal } from "../terminal/worker-terminal";
import { ArrowIcon, CloseIcon } from "./icons";

interface Props {
  terminal: WorkerTerminal;
  /** Search for this at once, showing the match at or after `near` (a link to a place). */
  initial: { query: string; near: number | null } | null;
  /** Changes when the search is asked for again (its key while it is open): take the focus. */
  focus: number;
  onClose: () => void;
}

export function TerminalSearch({ terminal, initial, focus, onClose }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const tools = useRef<HTMLDivElement>(null);
  const usual = useRef<Box | null>(null); // the box where it usually is, as last measured there
  const [flip, setFlip] = useState(false);
  const [text, setText] = useState(initial?.query ?? "");
  const [results, setResults] = useState<SearchResults | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const show = (next: SearchResults) => {
    setResults(next);
    const match = next.current;
    if (match !== null) void terminal.reveal(match.offset, next.query).then(() => afterRender(place));
  };

  /** Puts the box where the match shown (once drawn) is not under it. */
  const place = () => {
    const box = tools.current;
    if (box === null) return;
    if (!box.classList.contains("flipped")) usual.current = box.getBoundingClientRect();
    setFlip(flipped(usual.current, terminal.matchBoxes()));
  };

  const run = async (query: string, near: number | null) => {
    setBusy(true);
    setError(null);
    try {
      show(SearchResults.of(query, await terminal.search(query), near));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const go = (older: boolean) => {
    const query = text.trim();
    if (query === "" || busy) return;
    if (results === null || results.query !== query) void run(query, null);
    else show(older ? results.older() : results.newer());
  };

  useEffect(() => {
    if (initial !== null && initial.query !== "") void run(initial.query, initial.near);
  }, [initial]);

  // In the render itself, not after the next paint: the keys typed right after the search key
  // must come here, not go to the terminal's program.
  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focus]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      event.preventDefault();
      go(!event.shiftKey);
    } else if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    } else if (event.key.toLowerCase() === "f" && event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault(); // Ctrl+F again: this search, not the browser's
      input.current?.select();
    }
  };

  const label = busy ? "Searching…" : error ?? (results !== null && results.query === text.trim() ? results.label : "");
  return (
    <div ref={tools} class={flip ? "terminal-tools flipped" : "terminal-tools"}>
      <div class="terminal-search" role="search" data-testid="terminal-search">
        <input
          ref={input}
          type="search"
          class="input"
          placeholder="Search this terminal's history"
          aria-label="Search this terminal's history"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <span class={error !== null ? "search-count error" : "search-count"} aria-live="polite" data-testid="search-count">
          {label}
        </span>
        <button type="button" class="icon-button" title="Older match (Enter)" aria-label="Older match" onClick={() => go(true)}>
          <ArrowIcon up />
        </button>
        <button type="button" class="icon-button" title="Newer match (Shift+Enter)" aria-label="Newer match" onClick={() => go(false)}>
          <ArrowIcon up={false} />
        </button>
        <button type="button" class="icon-button" title="Close (Esc)" aria-label="Close search" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
    </div>
  );
}

/** Runs `then` once what changed now has been drawn (xterm.js draws decorations in a frame). */
function afterRender(then: () => void): void {
  requestAnimationFrame(() => requestAnimationFrame(then));
}
