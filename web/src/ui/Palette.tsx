/**
 * The command palette (Ctrl/⌘+K, `/`): type a few letters of a session, worker, repository,
 * branch or command; ↑/↓ choose, Enter opens.
 */

import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { paletteItems, search, type PaletteItem } from "../palette";
import type { WorkerEntry } from "../triage";
import { Modal } from "./common";
import { useAppState, useEntries, useRepositories, useServices } from "./hooks";
import { StateMark } from "./marks";

export interface PaletteCommand {
  id: string;
  title: string;
  detail?: string;
}

const KIND_LABEL: Record<PaletteItem["kind"], string> = {
  session: "Session",
  worker: "Worker",
  repository: "Repository",
  branch: "Branch",
  command: "Command",
};

interface Props {
  commands: readonly PaletteCommand[];
  onPick: (item: PaletteItem) => void;
  onClose: () => void;
}

export function Palette({ commands, onPick, onClose }: Props) {
  const state = useAppState();
  const repos = useRepositories();
  const all = useEntries();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const { repositories } = useServices();
  useLayoutEffect(() => {
    input.current?.focus();
    void repositories.reload(); // repositories and branches change without a socket message
  }, [repositories]);
  const items = useMemo(
    () => paletteItems({ sessions: state.sessions, repositories: repos.repositories ?? [], worktrees: repos.worktrees, commands }),
    [state.sessions, repos, commands],
  );
  const results = useMemo(() => search(items, query), [items, query]);
  const byKey = useMemo(() => new Map(all.map((e) => [`w:${e.key}`, e])), [all]);
  const chosenIndex = Math.min(active, results.length - 1);
  const chosen = results[chosenIndex];

  const move = (delta: number) => {
    if (results.length === 0) return;
    const next = (Math.min(active, results.length - 1) + delta + results.length) % results.length;
    setActive(next);
    list.current?.children[next]?.scrollIntoView({ block: "nearest" });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && chosen !== undefined) {
      event.preventDefault();
      onPick(chosen);
    }
  };

  return (
    <Modal title="Go to" onClose={onClose} class="palette">
      <div class="palette-body">
        <input
          class="input palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-results"
          aria-activedescendant={chosen === undefined ? undefined : optionId(chosenIndex)}
          aria-label="Find a session, worker, repository, branch or command"
          placeholder="Find a session, worker, repository, branch or command…"
          value={query}
          autoComplete="off"
          spellcheck={false}
          ref={input}
          onInput={(e) => {
            setQuery(e.currentTarget.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <ul class="palette-results" id="palette-results" role="listbox" aria-label="Matches" ref={list}>
          {results.map((item, index) => (
            <li
              key={item.key}
              id={optionId(index)}
              role="option"
              aria-selected={item === chosen}
              class={item === chosen ? "palette-item chosen" : "palette-item"}
              onMouseMove={() => index !== active && setActive(index)}
              onClick={() => onPick(item)}
            >
              <ItemMark item={item} entry={byKey.get(item.key)} />
              <span class="palette-title">{item.title}</span>
              <span class="palette-detail">{item.detail}</span>
              <span class="palette-kind">{KIND_LABEL[item.kind]}</span>
            </li>
          ))}
        </ul>
        {results.length === 0 && <p class="palette-empty">Nothing matches “{query}”.</p>}
      </div>
    </Modal>
  );
}

function ItemMark({ item, entry }: { item: PaletteItem; entry: WorkerEntry | undefined }) {
  if (entry !== undefined) return <StateMark state={entry.state} />;
  return <span class="mark kind-mark" aria-hidden="true">{item.kind === "command" ? "›" : item.kind === "branch" ? "⎇" : item.kind === "repository" ? "◫" : "▣"}</span>;
}

function optionId(index: number): string {
  return `palette-option-${index}`;
}
