/**
 * The commands that work on every page — the palette, the shortcut list, the next agent that
 * needs you — and what picking a palette item does.
 */

import type { PaletteItem } from "../palette";
import type { View } from "../preferences";
import type { Worktree } from "../protocol";
import { activityKey, type AppState } from "../state";
import { nextNeedingYou, noFilters, type WorkerEntry } from "../triage";
import type { Route } from "../router";
import { entriesOf, usePreferences, useServices } from "./hooks";
import { navigate } from "./navigation";
import type { PaletteCommand } from "./Palette";
import { useCommand } from "./shortcuts";
import { announce } from "./Toast";

export type Overlay = { kind: "palette" } | { kind: "help" } | { kind: "new-session"; worktree?: Worktree } | null;

/** The worker on screen, as a triage key (null off a session page). */
export function currentKey(route: Route, state: AppState): string | null {
  if (route.page !== "session") return null;
  const session = state.sessions.find((s) => s.id === route.sessionId);
  const worker = session?.workers.find((w) => w.id === route.workerId) ?? session?.workers[0];
  return worker === undefined ? null : activityKey(route.sessionId, worker.id);
}

/** Opens the next worker that needs the user, or says that none does. */
export function openNext(all: readonly WorkerEntry[], current: string | null): void {
  const next = nextNeedingYou(all, current);
  if (next === null) return announce(current === null ? "Nothing needs you right now." : "Nothing else needs you right now.");
  navigate({ page: "session", sessionId: next.session.id, workerId: next.worker.id });
}

export function useGlobalCommands(route: Route, setOverlay: (overlay: Overlay) => void) {
  const { app, preferences, repositories } = useServices();
  const { screenReader } = usePreferences();
  // Read when used, not subscribed: the frame must not re-render on every app message.
  const next = () => openNext(entriesOf(app.getState(), repositories.current), currentKey(route, app.getState()));
  useCommand("palette", () => setOverlay({ kind: "palette" }));
  useCommand("help", () => setOverlay({ kind: "help" }));
  useCommand("next-attention", next);

  const view = (v: View) => () => {
    preferences.update({ view: v });
    navigate("/");
  };
  const commands: (PaletteCommand & { run: () => void })[] = [
    { id: "next", title: "Next agent that needs you", detail: "N · Ctrl+Shift+Enter", run: next },
    { id: "new-session", title: "New session…", run: () => setOverlay({ kind: "new-session" }) },
    { id: "view-cards", title: "Show cards", detail: "Dashboard · C", run: view("cards") },
    { id: "view-list", title: "Show list", detail: "Dashboard · L", run: view("list") },
    { id: "view-wall", title: "Show the wall", detail: "Dashboard · W", run: view("wall") },
    { id: "clear-filters", title: "Clear filters", detail: "Dashboard", run: () => preferences.update({ filters: noFilters }) },
    { id: "agents", title: "Agents", detail: "The agents page", run: () => navigate({ page: "agents" }) },
    {
      id: "screen-reader",
      title: screenReader ? "Turn screen reader mode off" : "Turn screen reader mode on",
      detail: "Terminals",
      run: () => preferences.update({ screenReader: !screenReader }),
    },
    { id: "help", title: "Keyboard shortcuts", detail: "?", run: () => setOverlay({ kind: "help" }) },
  ];

  const pick = (item: PaletteItem) => {
    const action = item.action;
    setOverlay(null);
    if (action.kind === "command") return commands.find((c) => c.id === action.id)?.run();
    if (action.kind === "go") return navigate(action.route);
    if (action.kind === "repository") {
      preferences.setFilters({ repository: action.repositoryId, state: "all" });
      return navigate("/");
    }
    const session = newestIn(app.getState(), action.worktree);
    if (session !== undefined) navigate({ page: "session", sessionId: session, workerId: null });
    else setOverlay({ kind: "new-session", worktree: action.worktree });
  };
  return { commands, pick };
}

/** The newest session in a worktree (by its folder, else its branch). */
function newestIn(state: AppState, worktree: Worktree): string | undefined {
  const inside = state.sessions.filter(
    (s) => s.locationPath === worktree.path || (s.repositoryId === worktree.repositoryId && s.worktreeId === worktree.branch),
  );
  return inside.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]?.id;
}
