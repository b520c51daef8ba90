/**
 * The new-session dialog's directory: a text field (`~` is the server's home) with a list of
 * suggestions — repositories' checkouts, their worktrees, recent directories and matching
 * folders on the server. ↓/↑ choose, Enter or a click takes one, Esc closes the list.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../api";
import { abbreviateHome, expandHome, suggestDirectories, type DirectorySuggestion } from "../directory-suggestions";
import { useAppState, useRepositories, useServices } from "./hooks";

const RECENT = "agent-console:recent-directories";

export function recentDirectories(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(RECENT) ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function storeRecentDirectories(paths: readonly string[]): void {
  try {
    localStorage.setItem(RECENT, JSON.stringify(paths));
  } catch {
    // not kept: suggestions still come from the sessions on screen
  }
}

interface Props {
  id: string;
  describedBy: string;
  invalid: boolean;
  value: string;
  onInput: (value: string) => void;
  inputRef: { current: HTMLInputElement | null };
  /** Called with the server's home directory once it is known (to expand `~`). */
  onHome: (home: string) => void;
}

export function DirectoryField({ id, describedBy, invalid, value, onInput, inputRef, onHome }: Props) {
  const state = useAppState();
  const repos = useRepositories();
  const { repositories } = useServices();
  useEffect(() => void repositories.reload(), [repositories]); // the suggestions are current
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const { home, folders } = useServerFolders(value, onHome);
  const recent = useMemo(() => {
    const fromSessions = [...state.sessions].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((s) => s.locationPath);
    return [...new Set([...recentDirectories(), ...fromSessions])];
  }, [state.sessions]);
  const suggestions = suggestDirectories(value, { repositories: repos.repositories ?? [], worktrees: repos.worktrees, recent, folders, home });
  const shown = open && suggestions.length > 0;

  const take = (s: DirectorySuggestion) => {
    onInput(abbreviateHome(s.path, home));
    setOpen(s.kind === "folder");
    setActive(-1);
    inputRef.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      const n = suggestions.length;
      if (n > 0) setActive((i) => (event.key === "ArrowDown" ? (i + 1) % n : (i - 1 + n) % n));
    } else if (event.key === "Enter" && shown && active >= 0 && suggestions[active] !== undefined) {
      event.preventDefault();
      take(suggestions[active]);
    } else if (event.key === "Escape" && shown) {
      event.stopPropagation(); // closes the list, not the dialog
      setOpen(false);
    }
  };
  return (
    <div class="combo">
      <input
        class="input mono"
        id={id}
        name="locationPath"
        role="combobox"
        aria-describedby={describedBy}
        aria-invalid={invalid}
        aria-expanded={shown}
        aria-controls="directory-suggestions"
        aria-autocomplete="list"
        aria-activedescendant={shown && active >= 0 ? `directory-option-${active}` : undefined}
        value={value}
        placeholder="~/src/project or /home/you/project"
        autoComplete="off"
        spellcheck={false}
        ref={inputRef}
        onInput={(e) => {
          onInput(e.currentTarget.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {shown && (
        <ul class="combo-list" id="directory-suggestions" role="listbox" aria-label="Suggested directories">
          {suggestions.map((s, i) => (
            <li
              key={s.path}
              id={`directory-option-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? "combo-option active" : "combo-option"}
              data-kind={s.kind}
              // Before the field's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                take(s);
              }}
            >
              <span class="mono combo-path">{abbreviateHome(s.path, home)}</span>
              <span class="combo-label">{s.label}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The server's folders completing what is typed (a path starting with / or ~), and its home. */
function useServerFolders(value: string, onHome: (home: string) => void): { home: string | null; folders: string[] } {
  const [answer, setAnswer] = useState<{ home: string | null; folders: string[] }>({ home: null, folders: [] });
  const prefix = value.trim();
  useEffect(() => {
    let current = true;
    const path = prefix.startsWith("/") || prefix.startsWith("~");
    const wanted = path ? prefix : "~/"; // not a path yet: ask only for the home directory
    const timer = setTimeout(() => {
      api.directories(expandHome(wanted, answer.home)).then(
        (r) => {
          if (!current) return;
          setAnswer({ home: r.home, folders: path ? r.directories : [] });
          onHome(r.home);
        },
        () => current && setAnswer((a) => ({ ...a, folders: [] })),
      );
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [prefix]); // home is read, not followed: it never changes
  return answer;
}
