/**
 * The session page's tab per worker — name and state mark — in a strip that never scrolls
 * sideways: tabs that do not fit go into a "more" menu that shows their states too. The shown
 * tab and every tab whose worker needs you always stay in the strip.
 */

import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Session, Worker } from "../protocol";
import { routePath } from "../router";
import { splitTabs } from "../tab-overflow";
import type { WorkerEntry } from "../triage";
import { useMenu } from "./hooks";
import { StateMark, STATE_LABEL, WorkerIcon } from "./marks";
import { navigate, onLinkClick } from "./navigation";

interface Props {
  session: Session;
  activeId: string | null;
  entries: ReadonlyMap<string, WorkerEntry>;
  /** Shown as a "Diff" tab when the session has no diff worker yet: adds one and opens it. */
  onOpenDiff?: (() => void) | null;
}

const MENU_BUTTON = 56;

export function WorkerTabs({ session, activeId, entries, onOpenDiff = null }: Props) {
  const strip = useRef<HTMLElement>(null);
  const room = useRoom(strip, onOpenDiff !== null);
  const pinned = new Set<Worker>(session.workers.filter((w) => w.id === activeId || entries.get(w.id)?.state === "asking"));
  const fits = Math.floor(room.width / room.tab);
  const fitsWithMenu = Math.floor((room.width - MENU_BUTTON) / room.tab);
  const { visible, overflow } = splitTabs(session.workers, pinned, fits, Math.max(fitsWithMenu, 1));
  return (
    <nav class="tabs" aria-label="Workers" ref={strip}>
      <div class="tab-list" role="tablist" aria-label="Workers">
        {visible.map((worker) => (
          <Tab key={worker.id} session={session} worker={worker} index={session.workers.indexOf(worker)} selected={worker.id === activeId} entry={entries.get(worker.id)} />
        ))}
      </div>
      {overflow.length > 0 && <MoreTabs session={session} workers={overflow} entries={entries} />}
      {onOpenDiff !== null && (
        <button type="button" class="tab ghost" title="Review what changed in this worktree" data-testid="open-diff" onClick={onOpenDiff}>
          <span class="worker-icon worker-git-diff" aria-hidden="true">
            ±
          </span>
          <span class="tab-name">Diff</span>
        </button>
      )}
    </nav>
  );
}

function Tab(props: { session: Session; worker: Worker; index: number; selected: boolean; entry: WorkerEntry | undefined }) {
  const { session, worker, index, selected, entry } = props;
  const href = routePath({ page: "session", sessionId: session.id, workerId: worker.id });
  const state = entry?.state ?? "unknown";
  return (
    <a
      href={href}
      role="tab"
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      class={selected ? "tab active" : "tab"}
      title={index < 9 ? `${worker.name} (Alt+${index + 1}; in the terminal Ctrl+Shift+${index + 1})` : worker.name}
      data-worker-id={worker.id}
      onClick={onLinkClick(href)}
      onKeyDown={(e) => moveAlongTabs(e, session, index)}
    >
      <WorkerIcon worker={worker} />
      <span class="tab-name">{worker.name}</span>
      {state !== "diff" && state !== "running" && <StateMark state={state} label={`${worker.name}: ${STATE_LABEL[state]}`} />}
    </a>
  );
}

/** ←/→ along the tabs (the WAI-ARIA tabs pattern): the next tab is opened and takes focus. */
function moveAlongTabs(event: KeyboardEvent, session: Session, index: number): void {
  const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
  if (step === 0 || event.altKey || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  const count = session.workers.length;
  const target = session.workers[(index + step + count) % count];
  if (target === undefined) return;
  navigate({ page: "session", sessionId: session.id, workerId: target.id });
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`.tab[data-worker-id="${CSS.escape(target.id)}"]`)?.focus());
}

function MoreTabs({ session, workers, entries }: { session: Session; workers: Worker[]; entries: ReadonlyMap<string, WorkerEntry> }) {
  const menu = useMenu();
  return (
    <div class="menu-anchor more-tabs" ref={menu.anchor}>
      <button
        type="button"
        class="tab more"
        aria-haspopup="menu"
        aria-expanded={menu.open}
        aria-label={`${workers.length} more tab${workers.length === 1 ? "" : "s"}`}
        data-testid="more-tabs"
        onClick={() => menu.setOpen(!menu.open)}
      >
        +{workers.length}
      </button>
      {menu.open && (
        <div class="menu" role="menu">
          {workers.map((worker) => {
            const state = entries.get(worker.id)?.state ?? "unknown";
            return (
              <button
                type="button"
                role="menuitem"
                key={worker.id}
                data-worker-id={worker.id}
                onClick={() => {
                  menu.setOpen(false);
                  navigate({ page: "session", sessionId: session.id, workerId: worker.id });
                }}
              >
                <StateMark state={state} />
                <span class="menu-name">{worker.name}</span>
                <span class="muted small">{STATE_LABEL[state]}</span>
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** The strip's width and one tab's width (the CSS variable --tab-width), following resizes. */
function useRoom(strip: { current: HTMLElement | null }, withDiff: boolean): { width: number; tab: number } {
  const [room, setRoom] = useState({ width: Infinity, tab: 1 });
  useLayoutEffect(() => {
    const el = strip.current;
    if (el === null) return;
    const measure = () => {
      const style = getComputedStyle(el);
      const tab = parseFloat(style.getPropertyValue("--tab-width")) + parseFloat(style.columnGap || "0");
      const diff = withDiff ? (el.querySelector<HTMLElement>("[data-testid=open-diff]")?.offsetWidth ?? 0) : 0;
      const width = el.clientWidth - diff;
      setRoom((r) => (r.width === width && r.tab === tab ? r : { width, tab: tab > 0 ? tab : 1 }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [strip, withDiff]);
  return room;
}
