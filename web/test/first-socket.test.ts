import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { claimFirst, connectFirst, HELD_LIMIT, UNCLAIMED_MS } from "../src/terminal/first-socket";
import { FakeSocket } from "./fake-socket";

function connect(url: string): FakeSocket {
  let made: FakeSocket | null = null;
  connectFirst(url, (u) => (made = new FakeSocket(u)));
  return made!;
}

/** Claims `url` and records what the claimer's handlers see. */
function claim(url: string) {
  const seen: string[] = [];
  const socket = claimFirst(url);
  if (socket !== null) {
    socket.onopen = () => seen.push("open");
    socket.onmessage = (ev) => seen.push(`message ${String(ev.data)}`);
    socket.onclose = (ev) => seen.push(`close ${ev.code}`);
  }
  return { socket, seen };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  claimFirst("ws://x/a"); // leaves no first socket behind for the next test
  vi.useRealTimers();
});

describe("the first socket", () => {
  it("replays what arrived before the claim, in order, after the claimer's task, then passes events on", async () => {
    const ws = connect("ws://x/a");
    ws.readyState = 1;
    ws.onopen?.({});
    ws.onmessage?.({ data: "history" });
    const { socket, seen } = claim("ws://x/a");
    expect(seen).toEqual([]); // the claimer sets its handlers first
    await Promise.resolve();
    expect(seen).toEqual(["open", "message history"]);
    ws.onmessage?.({ data: "output" });
    ws.onclose?.({ code: 1006, reason: "" });
    expect(seen).toEqual(["open", "message history", "message output", "close 1006"]);
    socket!.send("input");
    expect(ws.sent).toEqual(["input"]);
    expect(socket!.readyState).toBe(1);
  });

  it("is claimed once, and only for its URL", () => {
    connect("ws://x/a");
    expect(claimFirst("ws://x/b")).toBeNull();
    expect(claimFirst("ws://x/a")).not.toBeNull();
    expect(claimFirst("ws://x/a")).toBeNull();
  });

  it("is closed when nobody claims it in time", () => {
    const ws = connect("ws://x/a");
    vi.advanceTimersByTime(UNCLAIMED_MS);
    expect(ws.closed).toBe(true);
    expect(claimFirst("ws://x/a")).toBeNull();
  });

  it("is closed when it holds too much (a flood while the page loads)", () => {
    const ws = connect("ws://x/a");
    ws.onmessage?.({ data: "x".repeat(HELD_LIMIT + 1) });
    expect(ws.closed).toBe(true);
    expect(claimFirst("ws://x/a")).toBeNull();
  });

  it("drops what it holds when the claimer closes it before the replay", async () => {
    const ws = connect("ws://x/a");
    ws.onmessage?.({ data: "history" });
    const { socket, seen } = claim("ws://x/a");
    socket!.close();
    await Promise.resolve();
    expect(seen).toEqual([]);
    expect(ws.closed).toBe(true);
  });
});
