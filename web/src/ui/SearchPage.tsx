/** The search page: one box over the output of every worker of every session (removed ones
 * too, while their logs are kept) and session titles and branches; results grouped by worker,
 * newest first; a click opens the worker at that line. The query lives in the URL (?q=). */

import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { routePath } from "../router";
import { groupHits, highlight, passages, placePath, sessionName, type HitGroup, type Passage, type PassageLine, type SearchPage as Page } from "../search";
import { usePageTitle, useServices } from "./hooks";
import { navigate, onLinkClick } from "./navigation";

/** The query in the address bar (`/search?q=…`). */
export function currentQuery(): string {
  return new URLSearchParams(window.location.search).get("q") ?? "";
}

export function searchPath(query: string): string {
  return `${routePath({ page: "search" })}?${new URLSearchParams({ q: query }).toString()}`;
}

interface Results {
  query: string;
  pages: Page[];
  loading: boolean;
  error: string | null;
}

export function SearchPage() {
  const { attention } = useServices();
  const query = currentQuery().trim();
  const [results, setResults] = useState<Results>({ query, pages: [], loading: query !== "", error: null });
  usePageTitle(query === "" ? "Search · Agent Console" : `${query} · Search · Agent Console`);
  useEffect(() => attention.setViewing(null), [attention]);

  const load = (cursor: string | null) => {
    setResults((r) => ({ ...r, query, loading: true, error: null, pages: cursor === null ? [] : r.pages }));
    api.search(query, cursor).then(
      (page) => setResults((r) => (r.query === query ? { ...r, loading: false, pages: [...r.pages, page] } : r)),
      (error: unknown) =>
        setResults((r) => (r.query === query ? { ...r, loading: false, error: error instanceof ApiError ? error.message : String(error) } : r)),
    );
  };
  useEffect(() => {
    if (query !== "") load(null);
    else setResults({ query, pages: [], loading: false, error: null });
  }, [query]);

  const hits = results.pages.flatMap((p) => p.results);
  const sessions = results.pages[0]?.sessions ?? [];
  const last = results.pages.at(-1);
  return (
    <div class="page search">
      <div class="page-head">
        <h1>Search</h1>
      </div>
      <SearchForm initial={query} autoFocus />
      {results.error !== null && <p class="form-error">{results.error}</p>}
      {query === "" && <p class="muted search-hint">Search what every agent and terminal printed, and session titles and branches.</p>}
      {sessions.length > 0 && (
        <section class="group">
          <h2 class="group-title">Sessions</h2>
          <ul class="search-sessions">
            {sessions.map((s) => (
              <li key={s.id}>
                {s.removed ? (
                  <span class="muted">{sessionName(s)} (deleted)</span>
                ) : (
                  <a href={routePath({ page: "session", sessionId: s.id, workerId: null })} onClick={onLinkClick(routePath({ page: "session", sessionId: s.id, workerId: null }))}>
                    {sessionName(s)}
                  </a>
                )}
                {s.branch !== null && <span class="mono muted"> {s.branch}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {query !== "" && (
        <section class="group">
          <h2 class="group-title">Output</h2>
          {groupHits(hits).map((group) => (
            <ResultGroup key={`${group.session.id}/${group.worker.id}`} group={group} query={query} />
          ))}
          {!results.loading && hits.length === 0 && results.error === null && <p class="muted">No output matches “{query}”.</p>}
          {results.loading && <div class="placeholder">Searching…</div>}
          {!results.loading && last?.next != null && (
            <button type="button" class="button" onClick={() => load(last.next)}>
              More results
            </button>
          )}
          {last !== undefined && last.pendingBytes > 0 && (
            <p class="muted small">Still indexing {Math.ceil(last.pendingBytes / 1024)} KiB of recent output.</p>
          )}
        </section>
      )}
    </div>
  );
}

function ResultGroup({ group, query }: { group: HitGroup; query: string }) {
  const gone = group.worker.removed || group.session.removed;
  return (
    <div class="card search-group">
      <div class="search-group-head">
        <span class="card-title">{sessionName(group.session)}</span>
        <span class="muted">›</span>
        <span>{group.worker.name}</span>
        {group.session.branch !== null && <span class="mono muted">{group.session.branch}</span>}
        {gone && <span class="badge muted">{group.session.removed ? "session deleted" : "worker removed"}</span>}
      </div>
      <ol class="search-hits">
        {passages(group.hits).map((passage) => (
          <PassageItem key={passage.lines[0]?.offset ?? 0} passage={passage} query={query} />
        ))}
      </ol>
    </div>
  );
}

/** One passage: a single result is one link as a whole; in a passage holding several, each
 * matching line is its own link. */
function PassageItem({ passage, query }: { passage: Passage; query: string }) {
  const hits = passage.lines.filter((line) => line.hit !== null);
  const single = hits.length === 1 && hits[0]?.hit != null ? placePath(hits[0].hit, query) : null;
  const body = (
    <>
      <time class="muted small" dateTime={passage.time} title={passage.time}>
        {new Date(passage.time).toLocaleString()}
      </time>
      <pre class="search-lines mono">
        {passage.lines.map((line) => (
          <Line key={line.offset} line={line} query={query} linked={hits.length > 1} />
        ))}
      </pre>
    </>
  );
  return (
    <li class="search-hit">
      {single === null ? <div class="search-hit-body">{body}</div> : <a class="search-hit-body" href={single} onClick={onLinkClick(single)}>{body}</a>}
    </li>
  );
}

function Line({ line, query, linked }: { line: PassageLine; query: string; linked: boolean }) {
  if (line.hit === null) return <div class="context">{line.text}</div>;
  const text = highlight(line.text, query).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text));
  const href = linked ? placePath(line.hit, query) : null;
  return href === null ? (
    <div class="matched">{text}</div>
  ) : (
    <a class="matched search-hit-line" href={href} onClick={onLinkClick(href)}>
      {text}
    </a>
  );
}

/** The search box: in the header on every page, and atop the search page. */
export function SearchForm({ initial = "", autoFocus = false, compact = false }: { initial?: string; autoFocus?: boolean; compact?: boolean }) {
  const [value, setValue] = useState(initial);
  useEffect(() => setValue(initial), [initial]);
  return (
    <form
      class={compact ? "search-form compact" : "search-form"}
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() !== "") navigate(searchPath(value.trim()));
      }}
    >
      <input
        class="input"
        type="search"
        name="q"
        placeholder="Search all output"
        aria-label="Search all output"
        value={value}
        autoFocus={autoFocus}
        onInput={(event) => setValue((event.target as HTMLInputElement).value)}
      />
    </form>
  );
}
