/**
 * The client's routes: path ⇄ Route (pure). The server answers every such path with index.html.
 *
 * `/sessions/:id/workers/:wid?offset=N&q=text` opens that worker at offset N of its output (a
 * line start, as search results give it) in the history view, `text` searched and highlighted:
 * the entry point for links to a place in a terminal's output.
 */

/** A place in a worker's output: an offset (a line start) and the text to highlight there. */
export interface Place {
  offset: number;
  query: string | null;
}

export type Route =
  | { page: "dashboard" }
  | { page: "agents" }
  | { page: "search" }
  | { page: "session"; sessionId: string; workerId: string | null; at?: Place }
  | { page: "not-found"; path: string };

export function parseRoute(pathname: string, search: string = ""): Route {
  const route = parsePath(pathname);
  if (route.page !== "session" || route.workerId === null) return route;
  const params = new URLSearchParams(search);
  const offset = params.get("offset");
  if (offset === null || !/^\d{1,15}$/.test(offset)) return route;
  return { ...route, at: { offset: Number(offset), query: params.get("q") } };
}

function parsePath(pathname: string): Route {
  const parts = pathname.split("/").filter((p) => p !== "").map(safeDecode);
  const [first, id, sub, workerId] = parts;
  if (parts.length === 0) return { page: "dashboard" };
  if (first === "agents" && parts.length === 1) return { page: "agents" };
  if (first === "search" && parts.length === 1) return { page: "search" };
  if (first === "sessions" && id !== undefined) {
    if (parts.length === 2) return { page: "session", sessionId: id, workerId: null };
    if (parts.length === 4 && sub === "workers" && workerId !== undefined) {
      return { page: "session", sessionId: id, workerId };
    }
  }
  return { page: "not-found", path: pathname };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case "dashboard":
      return "/";
    case "agents":
      return "/agents";
    case "search":
      return "/search";
    case "session": {
      const base = `/sessions/${encodeURIComponent(route.sessionId)}`;
      if (route.workerId === null) return base;
      const path = `${base}/workers/${encodeURIComponent(route.workerId)}`;
      if (route.at === undefined) return path;
      const query = new URLSearchParams({ offset: String(route.at.offset) });
      if (route.at.query !== null) query.set("q", route.at.query);
      return `${path}?${query.toString()}`;
    }
    case "not-found":
      return route.path;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
