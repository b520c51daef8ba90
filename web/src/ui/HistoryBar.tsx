/** The bar over the history view: which part of the output it shows, the way to the oldest
 * output, and back to the live terminal. */

import { outputRange } from "../output-range";
import type { HistoryStatus } from "../terminal/history-view";
import type { WorkerTerminal } from "../terminal/worker-terminal";
import { CloseIcon } from "./icons";

export function HistoryBar({ terminal, status, liveEnd }: { terminal: WorkerTerminal; status: HistoryStatus; liveEnd: number }) {
  const base = status.retainedStart;
  const range = status.end > status.start ? outputRange(status.start - base, status.end - base, Math.max(liveEnd, status.end) - base) : "";
  return (
    <div class="history-bar" data-testid="history-bar">
      <strong class="wide-only">Earlier output</strong>
      <span class="muted history-range" data-testid="history-range">
        {status.loading ? "Loading…" : range}
      </span>
      {status.notice !== null && <span class="history-notice">{status.notice}</span>}
      <span class="spacer" />
      <input
        type="range"
        class="history-position"
        aria-label="Position in the output (Home: the oldest)"
        title="Drag to move through the whole output"
        min={base}
        max={Math.max(liveEnd, status.end)}
        step={16 * 1024}
        value={status.start}
        onChange={(e) => void terminal.history.jump(Number(e.currentTarget.value))}
      />
      <button type="button" class="button small subtle" disabled={status.atOldest || status.loading} onClick={() => void terminal.history.oldest()}>
        Oldest
      </button>
      <button type="button" class="button small" title="Back to the live terminal (Esc)" aria-label="Back to live" onClick={() => terminal.history.close()}>
        <CloseIcon /> <span class="wide-only">Back to </span>live
      </button>
    </div>
  );
}
