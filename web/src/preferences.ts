/**
 * The user's choices that outlive the page: the dashboard's view and filters, and the
 * terminals' screen-reader mode. Kept in localStorage; anything unreadable falls back to the
 * default, one field at a time.
 */

import { noFilters, STATE_FILTERS, type Filters, type StateFilter } from "./triage";

export const VIEWS = ["cards", "list", "wall"] as const;
export type View = (typeof VIEWS)[number];

export interface Preferences {
  view: View;
  filters: Filters;
  screenReader: boolean;
}

export const defaultPreferences: Preferences = { view: "cards", filters: noFilters, screenReader: false };

const KEY = "agent-console:preferences";

/** Parses what was stored; every field that is missing or wrong takes its default. */
export function parsePreferences(raw: string | null): Preferences {
  let value: unknown = null;
  try {
    value = raw === null ? null : JSON.parse(raw);
  } catch {
    value = null;
  }
  const p = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const f = (typeof p.filters === "object" && p.filters !== null ? p.filters : {}) as Record<string, unknown>;
  const text = (v: unknown, fallback: string) => (typeof v === "string" && v !== "" ? v : fallback);
  return {
    view: VIEWS.find((v) => v === p.view) ?? defaultPreferences.view,
    filters: {
      state: STATE_FILTERS.find((s): s is StateFilter => s === f.state) ?? noFilters.state,
      repository: text(f.repository, noFilters.repository),
      agent: text(f.agent, noFilters.agent),
    },
    screenReader: p.screenReader === true,
  };
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class PreferenceStore {
  private value: Preferences;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: KeyValueStore) {
    this.value = parsePreferences(storage.getItem(KEY));
  }

  get current(): Preferences {
    return this.value;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(patch: Partial<Preferences>): void {
    this.value = { ...this.value, ...patch };
    try {
      this.storage.setItem(KEY, JSON.stringify(this.value));
    } catch {
      // storage full or refused (private mode): the choice holds for this page only
    }
    for (const listener of this.listeners) listener();
  }

  setFilters(patch: Partial<Filters>): void {
    this.update({ filters: { ...this.value.filters, ...patch } });
  }
}
