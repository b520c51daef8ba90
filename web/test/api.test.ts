import { describe, expect, it } from "vitest";
import { ApiError, errorField, toApiError } from "../src/api";

const fields = ["locationPath", "agentId", "title", "initialPrompt"];

describe("toApiError", () => {
  it("reads the server's {error, code} body", () => {
    const e = toApiError(400, { error: "locationPath: no such directory", code: "INVALID_REQUEST" });
    expect([e.status, e.code, e.message]).toEqual([400, "INVALID_REQUEST", "locationPath: no such directory"]);
  });

  it("copes with a body that is not the server's JSON", () => {
    const e = toApiError(502, null);
    expect([e.code, e.message]).toEqual(["HTTP_502", "Request failed (HTTP 502)."]);
  });

  it("flags 401 and 403 as needing login", () => {
    expect(toApiError(401, {}).unauthorized).toBe(true);
    expect(toApiError(404, {}).unauthorized).toBe(false);
  });
});

describe("errorField", () => {
  it("finds the field a 400 message names, camelCase or snake_case", () => {
    expect(errorField(new ApiError(400, "X", "locationPath: not a directory"), fields)).toBe("locationPath");
    expect(errorField(new ApiError(400, "X", "unknown agent_id 'zz'"), fields)).toBe("agentId");
  });

  it("prefers an explicit field and the first field named", () => {
    expect(errorField(new ApiError(400, "X", "title is bad", "initialPrompt"), fields)).toBe("initialPrompt");
    expect(errorField(new ApiError(400, "X", "title: longer than locationPath"), fields)).toBe("title");
  });

  it("does not match a field inside another word", () => {
    expect(errorField(new ApiError(400, "X", "subtitle missing"), fields)).toBeNull();
  });
});
