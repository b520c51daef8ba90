import { describe, expect, it } from "vitest";
import { abbreviateHome, expandHome, rememberDirectory, suggestDirectories, type SuggestionSources } from "../src/directory-suggestions";

const sources: SuggestionSources = {
  repositories: [{ id: "r1", name: "payments-api", path: "/home/u/src/payments", registeredAt: "" }],
  worktrees: new Map([
    ["r1", [
      { path: "/home/u/src/payments", branch: "main", isMain: true, repositoryId: "r1" },
      { path: "/data/wt/payments-1", branch: "fix/refunds", isMain: false, repositoryId: "r1" },
    ]],
  ]),
  recent: ["/home/u/notes", "/home/u/src/payments"],
  folders: [],
  home: "/home/u",
};

describe("suggestDirectories", () => {
  it("offers repositories' checkouts, their worktrees, then recent directories, without repeats", () => {
    expect(suggestDirectories("", sources).map((s) => [s.path, s.label])).toEqual([
      ["/home/u/src/payments", "payments-api · main checkout"],
      ["/data/wt/payments-1", "payments-api · fix/refunds"],
      ["/home/u/notes", "recent"],
    ]);
  });

  it("matches what was typed in the path or the label, with ~ as the home directory", () => {
    expect(suggestDirectories("refunds", sources).map((s) => s.path)).toEqual(["/data/wt/payments-1"]);
    expect(suggestDirectories("~/no", sources).map((s) => s.path)).toEqual(["/home/u/notes"]);
    expect(suggestDirectories("PAYMENTS-API", sources)).toHaveLength(2);
  });

  it("adds the server's folders that complete the path and caps the list", () => {
    const more = { ...sources, folders: ["/home/u/src/a", "/home/u/src/b"] };
    expect(suggestDirectories("/home/u/src/", more).map((s) => s.kind)).toEqual(["repository", "folder", "folder"]);
    expect(suggestDirectories("", more, 2)).toHaveLength(2);
  });
});

describe("home", () => {
  it("expands ~ and ~/x only, once the home is known", () => {
    expect(expandHome("~", "/home/u")).toBe("/home/u");
    expect(expandHome("~/src", "/home/u/")).toBe("/home/u/src");
    expect(expandHome("~other/src", "/home/u")).toBe("~other/src");
    expect(expandHome("~/src", null)).toBe("~/src");
  });

  it("writes paths under home with ~", () => {
    expect(abbreviateHome("/home/u/src", "/home/u")).toBe("~/src");
    expect(abbreviateHome("/home/user2", "/home/u")).toBe("/home/user2");
    expect(abbreviateHome("/home/u", "/home/u")).toBe("~");
    expect(abbreviateHome("/etc", "/")).toBe("/etc");
  });
});

describe("rememberDirectory", () => {
  it("keeps the most recent first, once, up to the cap", () => {
    expect(rememberDirectory(["/a", "/b", "/c"], "/b", 3)).toEqual(["/b", "/a", "/c"]);
    expect(rememberDirectory(["/a", "/b", "/c"], "/d", 3)).toEqual(["/d", "/a", "/b"]);
  });
});
