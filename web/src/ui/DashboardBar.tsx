/** The dashboard's view switch (cards, list, wall) and its filters by state, repository and
 * agent; both are remembered (preferences.ts). */

import type { Agent, Repository } from "../protocol";
import { VIEWS, type View } from "../preferences";
import { isFiltered, noFilters, type Filters, type StateFilter } from "../triage";
import { usePreferences, useServices } from "./hooks";

const VIEW_LABEL: Record<View, { label: string; key: string }> = {
  cards: { label: "Cards", key: "C" },
  list: { label: "List", key: "L" },
  wall: { label: "Wall", key: "W" },
};

const STATE_LABEL: Record<StateFilter, string> = {
  all: "Any state",
  attention: "Needs you",
  asking: "Asking",
  finished: "Finished",
  failed: "Failed",
  working: "Working",
  idle: "Idle",
  exited: "Exited",
};

export function DashboardBar({ repositories, agents }: { repositories: readonly Repository[]; agents: readonly Agent[] }) {
  const { preferences } = useServices();
  const { view, filters } = usePreferences();
  const set = (patch: Partial<Filters>) => preferences.setFilters(patch);
  return (
    <div class="dashboard-bar" data-testid="dashboard-bar">
      <div class="segmented small" role="group" aria-label="View">
        {VIEWS.map((v) => (
          <button
            type="button"
            key={v}
            class={v === view ? "segment selected" : "segment"}
            aria-pressed={v === view}
            title={`${VIEW_LABEL[v].label} (${VIEW_LABEL[v].key})`}
            onClick={() => preferences.update({ view: v })}
          >
            {VIEW_LABEL[v].label}
          </button>
        ))}
      </div>
      <div class="filters" role="group" aria-label="Filters">
        <select class="input filter" aria-label="State" value={filters.state} onChange={(e) => set({ state: e.currentTarget.value as StateFilter })}>
          {Object.entries(STATE_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select class="input filter" aria-label="Repository" value={filters.repository} onChange={(e) => set({ repository: e.currentTarget.value })}>
          <option value="all">All repositories</option>
          {repositories.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
          <option value="quick">No repository</option>
          {unknownChoice(filters.repository, repositories.map((r) => r.id))}
        </select>
        <select class="input filter" aria-label="Agent" value={filters.agent} onChange={(e) => set({ agent: e.currentTarget.value })}>
          <option value="all">Agents and terminals</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
          <option value="terminal">Terminals</option>
          {unknownChoice(filters.agent, agents.map((a) => a.id))}
        </select>
        {isFiltered(filters) && (
          <button type="button" class="button small subtle" onClick={() => preferences.update({ filters: noFilters })}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}

/** A remembered choice that is not (or not yet) listed stays selectable, so it shows as chosen. */
function unknownChoice(value: string, known: readonly string[]) {
  if (value === "all" || value === "quick" || value === "terminal" || known.includes(value)) return null;
  return <option value={value}>(removed)</option>;
}
