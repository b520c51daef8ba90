/** Agents as choices in a picker: one that is not installed is shown as such and cannot be picked. */

import type { Agent } from "../protocol";
import { routePath } from "../router";
import { onLinkClick } from "./navigation";

/** An agent counts as installed unless the server says it is not. */
export function isInstalled(agent: Agent): boolean {
  return agent.installed !== false;
}

export function choiceLabel(agent: Agent): string {
  return isInstalled(agent) ? agent.name : `${agent.name} — not installed`;
}

function installHint(agent: Agent): string | undefined {
  if (isInstalled(agent)) return undefined;
  return agent.installCommand === undefined ? "Its program is not found on the server." : `Install it with: ${agent.installCommand}`;
}

/** The `<option>`s of an agent `<select>`. */
export function AgentOptions({ agents }: { agents: readonly Agent[] }) {
  return (
    <>
      {agents.map((a) => (
        <option key={a.id} value={a.id} disabled={!isInstalled(a)} title={installHint(a)}>
          {choiceLabel(a)}
        </option>
      ))}
    </>
  );
}

/** A line under a picker when some agents are not installed: where to find out how. */
export function NotInstalledHint({ agents }: { agents: readonly Agent[] }) {
  if (agents.every(isInstalled)) return null;
  const href = routePath({ page: "agents" });
  return (
    <span class="field-hint">
      Agents marked “not installed” need their program on the server first; the{" "}
      <a href={href} onClick={onLinkClick(href)}>
        Agents page
      </a>{" "}
      says how.
    </span>
  );
}

/** The `role="menuitem"` buttons of an agent menu. */
export function AgentMenuItems({ agents, onPick }: { agents: readonly Agent[]; onPick: (agent: Agent) => void }) {
  return (
    <>
      {agents.map((agent) => (
        <button type="button" role="menuitem" key={agent.id} disabled={!isInstalled(agent)} title={installHint(agent)} onClick={() => onPick(agent)}>
          {agent.name}
          {!isInstalled(agent) && <span class="muted small"> · not installed</span>}
        </button>
      ))}
    </>
  );
}
