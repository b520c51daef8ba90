/** The page frame: header with navigation and what needs you, the connection banner, the routed
 * page and the overlays every page shares (palette, shortcuts, new session) — or, for a browser
 * that is not signed in, only the sign-in page. */

import { lazy, Suspense } from "preact/compat";
import { useState } from "preact/hooks";
import type { Worktree } from "../protocol";
import { routePath, type Route } from "../router";
import { AgentsPage } from "./AgentsPage";
import { AttentionLinks } from "./AttentionLinks";
import { ConnectionBanner } from "./ConnectionBanner";
import { Dashboard } from "./Dashboard";
import { useAgents, useAppStatus } from "./hooks";
import { BellIcon, SearchIcon } from "./icons";
import { onLinkClick, useRoute } from "./navigation";
import { NewSessionDialog } from "./NewSessionDialog";
import { NotifierButton } from "./NotifierSettings";
import { Palette } from "./Palette";
import { SearchForm, SearchPage, currentQuery } from "./SearchPage";
import { useGlobalCommands, type Overlay } from "./global-commands";
import { ShortcutHelp } from "./ShortcutHelp";
import { SignIn } from "./SignIn";
import { Toast } from "./Toast";

const SessionPage = lazy(() => import("./SessionPage").then((m) => ({ default: m.SessionPage })));

export function App() {
  const route = useRoute();
  const { authRequired } = useAppStatus();
  const [overlay, setOverlay] = useState<Overlay>(null);
  const { commands, pick } = useGlobalCommands(route, setOverlay);
  if (authRequired) return <SignIn />;
  const close = () => setOverlay(null);
  return (
    <div class={`app page-${route.page}`}>
      <Header route={route} onOverlay={setOverlay} />
      <ConnectionBanner />
      <main class="main" id="main">
        <Page route={route} />
      </main>
      {overlay?.kind === "palette" && <Palette commands={commands} onPick={pick} onClose={close} />}
      {overlay?.kind === "help" && <ShortcutHelp onClose={close} />}
      {overlay?.kind === "new-session" && <NewSessionFromAnywhere worktree={overlay.worktree} onClose={close} />}
      <Toast />
    </div>
  );
}

function NewSessionFromAnywhere({ worktree, onClose }: { worktree?: Worktree; onClose: () => void }) {
  const { agents } = useAgents();
  return <NewSessionDialog agents={agents ?? []} onClose={onClose} {...(worktree === undefined ? {} : { worktree })} />;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "dashboard":
      return <Dashboard />;
    case "agents":
      return <AgentsPage />;
    case "search":
      return <SearchPage key={currentQuery()} />;
    case "session":
      return (
        <Suspense fallback={<div class="placeholder">Loading…</div>}>
          <SessionPage key={route.sessionId} sessionId={route.sessionId} workerId={route.workerId} />
        </Suspense>
      );
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

function Header({ route, onOverlay }: { route: Route; onOverlay: (overlay: Overlay) => void }) {
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
      <a class="brand" href="/" onClick={onLinkClick("/")} aria-label="Agent Console">
        <img src="/favicon.svg" alt="" width="20" height="20" />
        <span>Agent Console</span>
      </a>
      <nav class="nav" aria-label="Pages">
        {link({ page: "dashboard" }, "Sessions")}
        {link({ page: "agents" }, "Agents")}
        <span class="nav-search">{link({ page: "search" }, "Search")}</span>
      </nav>
      <AttentionLinks />
      <div class="topbar-actions">
        {route.page !== "search" && <SearchForm compact />}
        <button type="button" class="button small subtle search-button" onClick={() => onOverlay({ kind: "palette" })} title="Go to… (Ctrl+K, /)" data-testid="open-palette">
          <SearchIcon /> <span class="wide-only goto-label">Go to…</span>
          <span class="goto-sr sr-only">Go to…</span>
          <kbd class="wide-only" aria-hidden="true">
            Ctrl K
          </kbd>
        </button>
        <button type="button" class="icon-button" onClick={() => onOverlay({ kind: "help" })} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="open-help">
          ?
        </button>
        <NotificationToggle />
        <NotifierButton />
      </div>
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
      aria-label="Notify me"
      title="Get a desktop notification when an agent asks or finishes"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      <BellIcon /> <span class="wide-only notify-label">Notify me</span>
    </button>
  );
}
