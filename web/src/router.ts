/** The client's routes: path ⇄ Route (pure). The server answers every such path with index.html. */

export type Route =
  | { page: "dashboard" }
  | { page: "agents" }
  | { page: "session"; sessionId: string; workerId: string | null }
  | { page: "not-found"; path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter((p) => p !== "").map(safeDecode);
  const [first, id, sub, workerId] = parts;
  if (parts.length === 0) return { page: "dashboard" };
  if (first === "agents" && parts.length === 1) return { page: "agents" };
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
    case "session": {
      const base = `/sessions/${encodeURIComponent(route.sessionId)}`;
      return route.workerId === null ? base : `${base}/workers/${encodeURIComponent(route.workerId)}`;
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
