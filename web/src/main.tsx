/** Starts the client: the app connection, the attention controller, and the UI. */

import "./styles.css";
import "./dashboard.css";
import { render } from "preact";
import { onAuthError } from "./api";
import { AppConnection } from "./app-connection";
import { AttentionController } from "./attention-controller";
import { PreferenceStore } from "./preferences";
import { RepositoryList } from "./repository-list";
import { parseRoute } from "./router";
import { connectFirst, firstUrl } from "./terminal/first-socket";
import { App } from "./ui/App";
import { ServicesContext } from "./ui/hooks";
import { navigate } from "./ui/navigation";
import { installShortcuts } from "./ui/shortcuts";

// A page opened on a worker connects its terminal's socket first thing (see first-socket.ts).
const opening = parseRoute(window.location.pathname, window.location.search);
if (opening.page === "session" && opening.workerId !== null) connectFirst(firstUrl(opening.sessionId, opening.workerId, window.location));
const app = new AppConnection(window.location);
const attention = new AttentionController(app, (sessionId, workerId) =>
  navigate({ page: "session", sessionId, workerId }),
);
const repositories = new RepositoryList();
const preferences = new PreferenceStore(window.localStorage);
installShortcuts();
onAuthError(() => app.setAuthRequired(true));
app.start();
window.addEventListener("pagehide", () => app.stop());
window.addEventListener("pageshow", (event) => {
  if (event.persisted) app.start(); // back from the back/forward cache with a closed socket
});

const root = document.getElementById("app");
if (root !== null) {
  render(
    <ServicesContext.Provider value={{ app, attention, repositories, preferences }}>
      <App />
    </ServicesContext.Provider>,
    root,
  );
}
