/** Hooks that let components read the app's long-lived objects without owning them. */

import { createContext } from "preact";
import type { RefObject } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import type { AppConnection } from "../app-connection";
import type { AttentionController } from "../attention-controller";
import type { PreferenceStore, Preferences } from "../preferences";
import type { Agent } from "../protocol";
import type { RepositoryList, RepositorySnapshot } from "../repository-list";
import type { SocketStatus } from "../socket";
import { repositoryOf } from "../groups";
import type { AppState } from "../state";
import { entries, type WorkerEntry } from "../triage";

export interface Services {
  app: AppConnection;
  attention: AttentionController;
  repositories: RepositoryList;
  preferences: PreferenceStore;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error("ServicesContext is missing");
  return services;
}

/**
 * Re-renders after changes of `subscribe`'s source and returns `read()`: at most once per
 * animation frame, however many messages came in it (and not at all while the page is hidden,
 * until it shows again), and at most once per `minInterval` ms after the last such render. A
 * change between the first render and the subscription (a socket message can land there) is
 * caught by rendering once more right after subscribing; that render starts no wait, so the
 * first change after it shows at once (a page mounted before the app state arrived renders it
 * in the next frame, not up to `minInterval` later).
 */
export function useExternal<T>(subscribe: (listener: () => void) => () => void, read: () => T, minInterval = 0): T {
  const [, force] = useState(0);
  useEffect(() => {
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = -Infinity;
    const render = () => {
      frame = 0;
      last = performance.now();
      force((n) => n + 1);
    };
    const update = () => {
      if (frame !== 0 || timer !== undefined) return;
      const wait = last + minInterval - performance.now();
      if (wait <= 0) frame = requestAnimationFrame(render);
      else
        timer = setTimeout(() => {
          timer = undefined;
          frame = requestAnimationFrame(render);
        }, wait);
    };
    const unsubscribe = subscribe(update);
    frame = requestAnimationFrame(() => {
      frame = 0;
      force((n) => n + 1);
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [subscribe, minInterval]);
  return read();
}

/** How often at most the pages follow the app's state: with 20 busy agents their activity and
 * previews change many times a second; four pictures a second are live enough and cost a
 * fraction of the CPU and garbage. */
const APP_STATE_INTERVAL_MS = 250;

export function useAppState(): AppState {
  const { app } = useServices();
  return useExternal(
    useCallback((l: () => void) => app.subscribe(l), [app]),
    () => app.getState(),
    APP_STATE_INTERVAL_MS,
  );
}

/** The app socket's status and whether sign-in is needed; re-renders only when they change. */
export function useAppStatus(): { status: SocketStatus; authRequired: boolean } {
  const { app } = useServices();
  const [, force] = useState(0);
  const shown = useRef<readonly [SocketStatus, boolean]>([app.status, app.authRequired]);
  shown.current = [app.status, app.authRequired];
  useEffect(() => {
    const update = () => {
      if (app.status !== shown.current[0] || app.authRequired !== shown.current[1]) force((n) => n + 1);
    };
    const unsubscribe = app.subscribe(update);
    update();
    return unsubscribe;
  }, [app]);
  return { status: app.status, authRequired: app.authRequired };
}

/** The user's lasting choices (view, filters, screen-reader mode), following changes. */
export function usePreferences(): Preferences {
  const { preferences } = useServices();
  return useExternal(
    useCallback((l: () => void) => preferences.subscribe(l), [preferences]),
    () => preferences.current,
  );
}

/** The current time, ticking every `ms` while `active`. */
export function useNow(ms: number, active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms, active]);
  return now;
}

let agentsCache: Agent[] | null = null;
const agentListeners = new Set<(agents: Agent[]) => void>();

export async function reloadAgents(): Promise<Agent[]> {
  const { agents } = await api.listAgents();
  agentsCache = agents;
  for (const listener of agentListeners) listener(agents);
  return agents;
}

let agentsLoading: Promise<Agent[]> | null = null;

/** The first load, shared by every component that mounts before it ends (the app's header, the
 * dashboard and its cards all want the list at once: one request, not one each). */
function loadAgents(): Promise<Agent[]> {
  agentsLoading ??= reloadAgents().finally(() => (agentsLoading = null));
  return agentsLoading;
}

/** The agents list, fetched once per page load and refreshed by reloadAgents(). */
export function useAgents(): { agents: Agent[] | null; error: string | null } {
  const [agents, setAgents] = useState<Agent[] | null>(agentsCache);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    agentListeners.add(setAgents);
    if (agentsCache !== null) setAgents(agentsCache); // loaded between render and this effect
    else {
      loadAgents().catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
    }
    return () => void agentListeners.delete(setAgents);
  }, []);
  return { agents, error };
}

/** Sets the page's base title (attention marks are put in front of it). */
export function usePageTitle(title: string): void {
  const { attention } = useServices();
  useEffect(() => attention.setBaseTitle(title), [attention, title]);
}

/** The registered repositories and their worktrees (RepositoryList.reload() refreshes them). */
export function useRepositories(): RepositorySnapshot {
  const { repositories } = useServices();
  return useExternal(
    useCallback((l: () => void) => repositories.subscribe(l), [repositories]),
    () => repositories.current,
  );
}

/** Whether a CSS media query matches, following changes (a phone turned sideways). */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener("change", update);
    return () => list.removeEventListener("change", update);
  }, [query]);
  return matches;
}

/** A value kept in localStorage under `key` (a preference such as the diff layout). */
export function useStoredChoice<T extends string>(key: string, choices: readonly T[], fallback: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => {
    const stored = localStorage.getItem(key);
    return choices.find((c) => c === stored) ?? fallback;
  });
  const store = useCallback(
    (next: T) => {
      localStorage.setItem(key, next);
      setValue(next);
    },
    [key],
  );
  return [value, store];
}

/** A drop-down menu's open state: closed again by a press outside `anchor` or by Escape. */
export function useMenu(): { open: boolean; setOpen: (open: boolean) => void; anchor: RefObject<HTMLDivElement> } {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (!(event.target instanceof Node && anchor.current?.contains(event.target))) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return { open, setOpen, anchor };
}

/** Every worker as the dashboard sees it (state, attention, repository), following changes.
 * The components that ask for them in one render (page, header counts, next-agent key) share
 * one computation. */
export function useEntries(): WorkerEntry[] {
  const state = useAppState();
  const repos = useRepositories();
  const { agents } = useAgents();
  return sharedEntries(state, repos, agents ?? NO_AGENTS);
}

const NO_AGENTS: readonly Agent[] = [];
let lastEntries: { state: AppState; repos: RepositorySnapshot; agents: readonly Agent[]; entries: WorkerEntry[] } | null = null;

function sharedEntries(state: AppState, repos: RepositorySnapshot, agents: readonly Agent[]): WorkerEntry[] {
  const last = lastEntries;
  if (last !== null && last.state === state && last.repos === repos && last.agents === agents) return last.entries;
  const computed = entriesOf(state, repos, agents);
  lastEntries = { state, repos, agents, entries: computed };
  return computed;
}

export function entriesOf(state: AppState, repos: RepositorySnapshot, agents: readonly Agent[] = agentsCache ?? []): WorkerEntry[] {
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return entries(
    state,
    (s) => repositoryOf(s, repos.repositories ?? [], repos.worktrees),
    (id) => names.get(id),
  );
}
