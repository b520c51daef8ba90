/** The page frame: header with navigation, the connection banner, and the routed page — or,
 * for a browser that is not signed in, only the sign-in page. */

import { useState } from "preact/hooks";
import { routePath, type Route } from "../router";
import { AgentsPage } from "./AgentsPage";
import { ConnectionBanner } from "./ConnectionBanner";
import { Dashboard } from "./Dashboard";
import { useAppStatus } from "./hooks";
import { BellIcon } from "./icons";
import { onLinkClick, useRoute } from "./navigation";
import { SessionPage } from "./SessionPage";
import { SignIn } from "./SignIn";

export function App() {
  const route = useRoute();
  const { authRequired } = useAppStatus();
  if (authRequired) return <SignIn />;
  return (
    <div class={`app page-${route.page}`}>
      <Header route={route} />
      <ConnectionBanner />
      <main class="main">
        <Page route={route} />
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "dashboard":
      return <Dashboard />;
    case "agents":
      return <AgentsPage />;
    case "session":
      return <SessionPage key={route.sessionId} sessionId={route.sessionId} workerId={route.workerId} />;
    case "not-found":
      return (
        <div class="page empty">
          <h2>Nothing here</h2>
          <a class="button" href="/" onClick={onLinkClick("/")}>
            Back to sessions
          </a>
        </div>
      );
  }
}

function Header({ route }: { route: Route }) {
  const link = (target: Route, label: string) => {
    const href = routePath(target);
    const current = route.page === target.page || (target.page === "dashboard" && route.page === "session");
    return (
      <a href={href} onClick={onLinkClick(href)} class={current ? "nav-link current" : "nav-link"} aria-current={current ? "page" : undefined}>
        {label}
      </a>
    );
  };
  return (
    <header class="topbar">
      <a class="brand" href="/" onClick={onLinkClick("/")}>
        <img src="/favicon.svg" alt="" width="20" height="20" />
        <span>Agent Console</span>
      </a>
      <nav class="nav">
        {link({ page: "dashboard" }, "Sessions")}
        {link({ page: "agents" }, "Agents")}
      </nav>
      <NotificationToggle />
    </header>
  );
}

/** Asks for notification permission on a click (browsers refuse to ask without one). */
function NotificationToggle() {
  const supported = typeof Notification !== "undefined";
  const [permission, setPermission] = useState(supported ? Notification.permission : "denied");
  if (!supported || permission !== "default") return null;
  return (
    <button
      type="button"
      class="button small subtle"
      title="Get a desktop notification when an agent asks or finishes"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      <BellIcon /> <span class="wide-only">Notify me</span>
    </button>
  );
}
