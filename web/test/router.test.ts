import { describe, expect, it } from "vitest";
import { parseRoute, routePath, type Route } from "../src/router";

describe("routes", () => {
  it("parses every page", () => {
    expect(parseRoute("/")).toEqual({ page: "dashboard" });
    expect(parseRoute("/agents")).toEqual({ page: "agents" });
    expect(parseRoute("/sessions/abc")).toEqual({ page: "session", sessionId: "abc", workerId: null });
    expect(parseRoute("/sessions/abc/workers/w1")).toEqual({ page: "session", sessionId: "abc", workerId: "w1" });
    expect(parseRoute("/sessions")).toEqual({ page: "not-found", path: "/sessions" });
    expect(parseRoute("/sessions/a/b")).toEqual({ page: "not-found", path: "/sessions/a/b" });
  });

  it("round-trips paths, escaping odd ids", () => {
    const routes: Route[] = [
      { page: "dashboard" },
      { page: "agents" },
      { page: "session", sessionId: "a b/c", workerId: null },
      { page: "session", sessionId: "s", workerId: "w?x" },
    ];
    for (const route of routes) expect(parseRoute(routePath(route))).toEqual(route);
  });

  it("survives malformed escapes", () => {
    expect(parseRoute("/sessions/%E0%A4%A")).toEqual({ page: "session", sessionId: "%E0%A4%A", workerId: null });
  });
});
