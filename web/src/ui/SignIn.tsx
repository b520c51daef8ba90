/**
 * The page a browser without the login cookie sees instead of the app: what to do, and the
 * command that prints the sign-in address again. It leaves by itself once the app socket gets in.
 */

import { useEffect } from "preact/hooks";
import { useServices } from "./hooks";

export function SignIn() {
  const { app } = useServices();
  const host = window.location.host;
  useEffect(() => {
    document.title = "Sign in · Agent Console";
  }, []);
  return (
    <main class="sign-in" data-testid="sign-in">
      <div class="sign-in-card">
        <div class="sign-in-brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>Agent Console</span>
        </div>
        <h1>Sign in</h1>
        <p>This browser is not signed in to the server at <strong>{host}</strong>.</p>
        <ol class="steps">
          <li>
            Open the address that <code>agent-console serve</code> printed when it started, the one that ends in{" "}
            <code>?token=…</code>, in this browser.
          </li>
          <li>
            Lost it? On the machine running the server, this prints it again:
            <pre class="command">agent-console url</pre>
          </li>
        </ol>
        <p class="muted small">
          The token is swapped for a cookie on the first visit, so you only do this once per browser.
        </p>
        <button type="button" class="button" onClick={() => app.retryNow()}>
          I have signed in — try again
        </button>
      </div>
    </main>
  );
}
