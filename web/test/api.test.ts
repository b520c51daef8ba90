import { describe, expect, it } from "vitest";
import { ApiError, errorField, fieldErrors, toApiError } from "../src/api";

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

describe("fieldErrors", () => {
  const form = ["name", "commandTemplate", "askingPatterns"] as const;
  const refused = (errors: unknown) =>
    toApiError(400, { error: "joined", code: "INVALID_REQUEST", errors });

  it("puts every problem under its field at once, several for one field on separate lines", () => {
    const error = refused([
      { field: "name", message: "Name is required" },
      { field: "commandTemplate", message: "Command is required" },
      { field: "activityPatterns", message: "Asking pattern 2 is not a valid regular expression" },
      { field: "activityPatterns", message: "Asking pattern 3 matches empty text" },
    ]);
    expect(fieldErrors(error, form, { activityPatterns: "askingPatterns" })).toEqual({
      name: "Name is required",
      commandTemplate: "Command is required",
      askingPatterns: "Asking pattern 2 is not a valid regular expression\nAsking pattern 3 matches empty text",
    });
  });

  it("puts a problem with a field the form lacks under the form", () => {
    expect(fieldErrors(refused([{ field: "bogus", message: "bogus is not a field" }]), form)).toEqual({
      form: "bogus is not a field",
    });
  });

  it("without a problem list, places the one message as errorField does", () => {
    expect(fieldErrors(toApiError(400, { error: "name: too long" }), form)).toEqual({ name: "name: too long" });
    expect(fieldErrors(toApiError(409, { error: "Claude Code is built in" }), form)).toEqual({
      form: "Claude Code is built in",
    });
  });

  it("ignores malformed entries of the list", () => {
    expect(refused([{ field: 1, message: "x" }, "y", null]).problems).toEqual([]);
  });
});
