/** The agents page: built-in and custom agents; custom ones can be added, edited and deleted. */

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Agent } from "../protocol";
import { isInstalled } from "./AgentChoice";
import { AgentForm } from "./AgentForm";
import { ConfirmDialog } from "./common";
import { PencilIcon, TrashIcon } from "./icons";
import { reloadAgents, useAgents, usePageTitle, useServices } from "./hooks";

type Editing = { mode: "new" } | { mode: "edit"; agent: Agent } | null;

export function AgentsPage() {
  const { attention } = useServices();
  const { agents, error } = useAgents();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Agent | null>(null);
  usePageTitle("Agents · Agent Console");
  useEffect(() => attention.setViewing(null), [attention]);

  const builtIn = (agents ?? []).filter((a) => a.isBuiltIn);
  const custom = (agents ?? []).filter((a) => !a.isBuiltIn);
  return (
    <div class="page agents">
      <div class="page-head">
        <div>
          <h1>Agents</h1>
          <p class="muted">The CLIs a session can run. Templates use {"{{prompt}}"} and {"{{cwd}}"}.</p>
        </div>
        <button type="button" class="button primary" onClick={() => setEditing({ mode: "new" })}>
          + New agent
        </button>
      </div>
      {error !== null && <p class="form-error">{error}</p>}
      {agents === null && error === null && <div class="placeholder">Loading agents…</div>}
      <section class="group">
        <h2 class="group-title">Custom</h2>
        {agents !== null && custom.length === 0 && <p class="muted">No custom agents yet. Any command-line program can be one.</p>}
        <div class="cards">
          {custom.map((agent) => (
            <AgentCard key={agent.id} agent={agent} onEdit={() => setEditing({ mode: "edit", agent })} onDelete={() => setDeleting(agent)} />
          ))}
        </div>
      </section>
      <section class="group">
        <h2 class="group-title">Built in</h2>
        <div class="cards">
          {builtIn.map((agent) => (
            <AgentCard key={agent.id} agent={agent} />
          ))}
        </div>
      </section>
      {editing !== null && (
        <AgentForm agent={editing.mode === "edit" ? editing.agent : null} onClose={() => setEditing(null)} />
      )}
      {deleting !== null && (
        <ConfirmDialog
          title="Delete agent?"
          message={
            <>
              <strong>{deleting.name}</strong> will no longer be offered for new sessions.
            </>
          }
          confirmLabel="Delete"
          onConfirm={async () => {
            await api.deleteAgent(deleting.id);
            await reloadAgents();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  );
}

function AgentCard({ agent, onEdit, onDelete }: { agent: Agent; onEdit?: () => void; onDelete?: () => void }) {
  const caps = agent.capabilities;
  return (
    <article class="card agent-card" data-agent-id={agent.id}>
      <header class="card-head">
        <div class="title-row">
          <span class="card-title">{agent.name}</span>
          {agent.isBuiltIn && <span class="badge neutral">built in</span>}
          {!isInstalled(agent) && <span class="badge warn">not installed</span>}
        </div>
        {onEdit !== undefined && (
          <div class="card-actions">
            <button type="button" class="icon-button" title="Edit" aria-label={`Edit ${agent.name}`} onClick={onEdit}>
              <PencilIcon />
            </button>
            <button type="button" class="icon-button" title="Delete" aria-label={`Delete ${agent.name}`} onClick={onDelete}>
              <TrashIcon />
            </button>
          </div>
        )}
      </header>
      {agent.description !== undefined && agent.description !== "" && <p class="muted">{agent.description}</p>}
      <code class="template">{agent.commandTemplate}</code>
      {!isInstalled(agent) && (
        <p class="install">
          {agent.installCommand !== undefined ? (
            <>
              Install it with <code class="install-command">{agent.installCommand}</code>
            </>
          ) : (
            "Its program is not found on the server's PATH."
          )}
        </p>
      )}
      <div class="caps">
        <span class={caps.supportsContinue ? "cap on" : "cap"}>continue</span>
        <span class={caps.supportsHeadlessMode ? "cap on" : "cap"}>headless</span>
        <span class={caps.supportsActivityDetection ? "cap on" : "cap"}>asking detection</span>
      </div>
    </article>
  );
}
