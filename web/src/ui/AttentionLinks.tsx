/** The header's counts of agents that need you — "2 asking · 1 finished · 1 failed" — each a
 * link to the dashboard filtered to those agents. */

import type { Attention } from "../protocol";
import { ATTENTION_ORDER, countAttention } from "../triage";
import { useEntries, useServices } from "./hooks";
import { ATTENTION_GLYPH, ATTENTION_LABEL } from "./marks";
import { navigate } from "./navigation";

export function AttentionLinks() {
  const { preferences } = useServices();
  const counts = countAttention(useEntries());
  const shown = ATTENTION_ORDER.filter((a) => counts[a] > 0);
  if (shown.length === 0) return <div class="attention-links" />;
  const open = (attention: Attention) => (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    preferences.setFilters({ state: attention });
    navigate("/");
    document.getElementById("main")?.scrollTo({ top: 0 });
  };
  return (
    <nav class="attention-links" aria-label="Agents that need you">
      {shown.map((attention) => (
        <a
          key={attention}
          href="/"
          class="attention-link"
          data-attention={attention}
          onClick={open(attention)}
          title={`Show the ${counts[attention]} ${ATTENTION_LABEL[attention]} agent${counts[attention] === 1 ? "" : "s"}`}
        >
          <span class={`badge attention-${attention}`}>
            <span class="mark-glyph" aria-hidden="true">
              {ATTENTION_GLYPH[attention]}
            </span>
            {counts[attention]}
            <span class="wide-only"> {ATTENTION_LABEL[attention]}</span>
            <span class="narrow-only sr-only"> {ATTENTION_LABEL[attention]}</span>
          </span>
        </a>
      ))}
    </nav>
  );
}
