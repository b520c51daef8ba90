/** On the session page: how many other agents need you, and a button that opens the next one
 * (the same as N / Ctrl+Shift+Enter). Hidden while nothing else needs you. */

import { nextNeedingYou } from "../triage";
import { openNext } from "./global-commands";
import { useEntries } from "./hooks";
import { AttentionBadge } from "./marks";

export function NextAttention({ current }: { current: string | null }) {
  const all = useEntries();
  const others = all.filter((e) => e.attention !== null && e.key !== current);
  const next = nextNeedingYou(all, current);
  if (next === null || next.attention === null) return null;
  return (
    <button
      type="button"
      class="button small next-attention"
      onClick={() => openNext(all, current)}
      title={`Open ${next.worker.name} (Ctrl+Shift+Enter)`}
      data-testid="next-attention"
    >
      <AttentionBadge attention={next.attention} text={`${others.length} need${others.length === 1 ? "s" : ""} you`} />
      <span class="wide-only">Next</span>
    </button>
  );
}
