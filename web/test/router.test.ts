import { describe, expect, it } from "vitest";
import { parseRoute, routePath, type Route } from "../src/router";

describe("routes", () => {
  it("parses every page", () => {
    expect(parseRoute("/")).toEqual({ page: "dashboard" });
    expect(parseRoute("/agents")).toEqual({ page: "agents" });
    expect(parseRoute("/search")).toEqual({ page: "search" });
    expect(parseRoute("/sessions/abc")).toEqual({ page: "session", sessionId: "abc", workerId: null });
    expect(parseRoute("/sessions/abc/workers/w1")).toEqual({ page: "session", sessionId: "abc", workerId: "w1" });
    expect(parseRoute("/sessions")).toEqual({ page: "not-found", path: "/sessions" });
    expect(parseRoute("/sessions/a/b")).toEqual({ page: "not-found", path: "/sessions/a/b" });
  });

  it("round-trips paths, escaping odd ids", () => {
    const routes: Route[] = [
      { page: "dashboard" },
      { page: "agents" },
      { page: "search" },
      { page: "session", sessionId: "a b/c", workerId: null },
      { page: "session", sessionId: "s", workerId: "w?x" },
    ];
    for (const route of routes) expect(parseRoute(routePath(route))).toEqual(route);
  });

  it("reads a place in a worker's output from the query (offset, and the text to find)", () => {
    expect(parseRoute("/sessions/s/workers/w", "?offset=8388608&q=needle")).toEqual({
      page: "session",
      sessionId: "s",
      workerId: "w",
      at: { offset: 8388608, query: "needle" },
    });
    expect(parseRoute("/sessions/s/workers/w", "?offset=12")).toMatchObject({ at: { offset: 12, query: null } });
  });

  it("ignores a place that is not a plain offset, or without a worker", () => {
    expect("at" in parseRoute("/sessions/s/workers/w", "?offset=-1")).toBe(false);
    expect("at" in parseRoute("/sessions/s/workers/w", "?offset=1e9")).toBe(false);
    expect("at" in parseRoute("/sessions/s", "?offset=5")).toBe(false);
  });

  it("round-trips a place, escaping its text", () => {
    const route: Route = { page: "session", sessionId: "s", workerId: "w", at: { offset: 42, query: "a&b c" } };
    const path = routePath(route);
    expect(path).toBe("/sessions/s/workers/w?offset=42&q=a%26b+c");
    const [pathname, search] = path.split("?");
    expect(parseRoute(pathname!, `?${search}`)).toEqual(route);
  });

  it("survives malformed escapes", () => {
    expect(parseRoute("/sessions/%E0%A4%A")).toEqual({ page: "session", sessionId: "%E0%A4%A", workerId: null });
  });
});
