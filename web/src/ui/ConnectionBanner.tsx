/** Says what the app connection is doing when it is not simply connected (signed in: see SignIn). */

import { useAppStatus, useNow, useServices } from "./hooks";

export function ConnectionBanner() {
  const { app } = useServices();
  const { status } = useAppStatus();
  const now = useNow(500, status.kind === "waiting");
  if (status.kind === "waiting") {
    const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
    return (
      <div class="banner banner-warn" role="status" data-testid="connection-banner">
        <span>Connection to the server lost. Reconnecting in {seconds} s…</span>
        <button type="button" class="link-button" onClick={() => app.retryNow()}>
          Retry now
        </button>
      </div>
    );
  }
  if (status.kind === "connecting" && status.attempt > 0) {
    return (
      <div class="banner banner-warn" role="status" data-testid="connection-banner">
        Reconnecting…
      </div>
    );
  }
  return null;
}
