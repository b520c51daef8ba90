/**
 * Sessions whose directory vanished, stopped being a git repository or lost its branch (from
 * GET /api/sessions/validate), each with the reason and a button to remove it.
 */

import { useEffect, useState } from "preact/hooks";
import { api, type InvalidSession } from "../api";
import { sessionLabel } from "../groups";
import type { Session } from "../protocol";
import { WarnIcon } from "./icons";

const REASON: Record<InvalidSession["reason"], string> = {
  "directory-missing": "directory missing",
  "not-a-repository": "not a git repository",
  "branch-missing": "branch missing",
};

export function InvalidSessions({ sessions }: { sessions: readonly Session[] }) {
  const { invalid, recheck } = useInvalidSessions(sessions);
  const shown = invalid.filter((p) => sessions.some((s) => s.id === p.sessionId));
  if (shown.length === 0) return null;
  return (
    <section class="invalid-sessions" aria-label="Sessions with problems" data-testid="invalid-sessions">
      <h2 class="invalid-title">
        <WarnIcon /> {shown.length === 1 ? "1 session can no longer work" : `${shown.length} sessions can no longer work`}
      </h2>
      <ul>
        {shown.map((problem) => (
          <Problem key={problem.sessionId} problem={problem} session={sessions.find((s) => s.id === problem.sessionId)} onRemoved={recheck} />
        ))}
      </ul>
    </section>
  );
}

function Problem(props: { problem: InvalidSession; session: Session | undefined; onRemoved: () => void }) {
  const { problem, session } = props;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await api.deleteSession(problem.sessionId);
      props.onRemoved();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <li class="problem" data-session-id={problem.sessionId}>
      <div class="problem-text">
        <strong>{session === undefined ? problem.sessionId : sessionLabel(session)}</strong>{" "}
        <span class="badge warn" data-reason={problem.reason}>
          {REASON[problem.reason]}
        </span>
        <div class="muted small">{problem.message}</div>
        {error !== null && <div class="field-error">{error}</div>}
      </div>
      <button type="button" class="button small" disabled={busy} onClick={() => void remove()}>
        Remove session
      </button>
    </li>
  );
}

/** Asks the server which sessions are broken, again whenever the set of sessions changes. */
function useInvalidSessions(sessions: readonly Session[]): { invalid: InvalidSession[]; recheck: () => void } {
  const [invalid, setInvalid] = useState<InvalidSession[]>([]);
  const [round, setRound] = useState(0);
  const key = sessions
    .map((s) => `${s.id}:${s.worktreeId ?? ""}`)
    .sort()
    .join(",");
  useEffect(() => {
    let live = true;
    api.validateSessions().then(
      (r) => live && setInvalid(r.invalidSessions),
      () => undefined, // an older server without the route, or offline: nothing to show
    );
    return () => void (live = false);
  }, [key, round]);
  return { invalid, recheck: () => setRound((n) => n + 1) };
}
