import { describe, expect, it } from "vitest";
import type { WorktreeDiff } from "../src/api";
import { DiffFeed } from "../src/diff/diff-feed";
import { FakeSocket } from "./fake-socket";

function diff(base: string): WorktreeDiff {
  return { baseCommit: base, files: [], additions: 0, deletions: 0, rawDiff: "" };
}

/** A feed whose fetches are resolved by hand, in order. */
function setup() {
  const sockets: FakeSocket[] = [];
  const pending: ((d: WorktreeDiff) => void)[] = [];
  const feed = new DiffFeed("s 1", "w1", {
    location: { protocol: "http:", host: "h:1" },
    load: () => new Promise((resolve) => pending.push(resolve)),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  feed.start();
  const socket = sockets[0]!;
  socket.open();
  return { feed, socket, pending };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("DiffFeed", () => {
  it("connects to the worker's socket and fetches on history and on diff-changed", async () => {
    const { feed, socket, pending } = setup();
    expect(socket.url).toBe("ws://h:1/ws/session/s%201/worker/w1");
    socket.receive({ type: "history", data: "", offset: 0, startOffset: 0 });
    expect([pending.length, feed.status.loading]).toEqual([1, true]);
    pending[0]!(diff("a"));
    await settle();
    expect([feed.status.diff?.baseCommit, feed.status.loading, feed.status.loads]).toEqual(["a", false, 1]);
    socket.receive({ type: "diff-changed" });
    expect(pending.length).toBe(2);
  });

  it("runs one fetch at a time and queues a single one for a burst of changes", async () => {
    const { feed, socket, pending } = setup();
    for (let i = 0; i < 5; i++) socket.receive({ type: "diff-changed" });
    expect(pending.length).toBe(1);
    pending[0]!(diff("a"));
    await settle();
    expect([pending.length, feed.status.loading]).toEqual([2, true]);
    pending[1]!(diff("b"));
    await settle();
    expect([pending.length, feed.status.diff?.baseCommit, feed.status.loading]).toEqual([2, "b", false]);
  });

  it("keeps the last diff when a fetch fails and says why", async () => {
    const sockets: FakeSocket[] = [];
    let fail = false;
    const feed = new DiffFeed("s", "w", {
      location: { protocol: "https:", host: "h" },
      load: () => (fail ? Promise.reject(new Error("boom")) : Promise.resolve(diff("a"))),
      createSocket: (url) => {
        sockets.push(new FakeSocket(url));
        return sockets[0]!;
      },
    });
    feed.start();
    expect(sockets[0]?.url.startsWith("wss://")).toBe(true);
    feed.refresh();
    await settle();
    fail = true;
    feed.refresh();
    await settle();
    expect([feed.status.diff?.baseCommit, feed.status.error]).toEqual(["a", "boom"]);
  });

  it("ignores a fetch that ends after dispose", async () => {
    const { feed, socket, pending } = setup();
    let calls = 0;
    feed.subscribe(() => calls++);
    socket.receive({ type: "diff-changed" });
    const before = calls;
    feed.dispose();
    pending[0]!(diff("late"));
    await settle();
    expect([feed.status.diff, calls]).toEqual([null, before]);
  });
});
