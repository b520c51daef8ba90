import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReconnectingSocket, socketUrl, type SocketStatus } from "../src/socket";
import { FakeSocket } from "./fake-socket";

function setup(isFinal?: (code: number) => boolean) {
  const sockets: FakeSocket[] = [];
  const statuses: SocketStatus[] = [];
  const messages: string[] = [];
  let n = 0;
  const socket = new ReconnectingSocket({
    url: () => `ws://x/${n++}`,
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    random: () => 0.5,
    now: () => 0,
    createSocket: (url) => {
      const fake = new FakeSocket(url);
      sockets.push(fake);
      return fake;
    },
    ...(isFinal === undefined ? {} : { isFinal }),
  });
  socket.start();
  return { socket, sockets, statuses, messages, last: () => sockets[sockets.length - 1]! };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("ReconnectingSocket", () => {
  it("delivers text frames and sends only while open", () => {
    const t = setup();
    expect(t.socket.send("early")).toBe(false);
    t.last().open();
    t.last().onmessage?.({ data: "hello" });
    t.last().onmessage?.({ data: new ArrayBuffer(1) });
    expect(t.socket.send("x")).toBe(true);
    expect(t.messages).toEqual(["hello"]);
    expect(t.last().sent).toEqual(["x"]);
  });

  it("retries after 1 s, 2 s, 4 s and asks for a fresh URL each time", () => {
    const t = setup();
    for (const delay of [1000, 2000, 4000]) {
      t.last().drop(1006);
      expect(t.statuses.at(-1)).toMatchObject({ kind: "waiting", retryAt: delay });
      vi.advanceTimersByTime(delay - 1);
      const count = t.sockets.length;
      vi.advanceTimersByTime(1);
      expect(t.sockets.length).toBe(count + 1);
    }
    expect(t.sockets.map((s) => s.url)).toEqual(["ws://x/0", "ws://x/1", "ws://x/2", "ws://x/3"]);
  });

  it("resets the backoff after a successful open", () => {
    const t = setup();
    t.last().drop(1006);
    vi.advanceTimersByTime(1000);
    t.last().drop(1006);
    vi.advanceTimersByTime(2000);
    t.last().open();
    t.last().drop(1001);
    expect(t.statuses.at(-1)).toMatchObject({ kind: "waiting", attempt: 0, retryAt: 1000 });
  });

  it("stops for good on a final close code", () => {
    const t = setup((code) => code === 4404);
    t.last().open();
    t.last().drop(4404);
    vi.advanceTimersByTime(60_000);
    expect(t.sockets).toHaveLength(1);
    expect(t.statuses.at(-1)).toEqual({ kind: "closed", code: 4404, reason: "" });
  });

  it("cancels a pending retry on teardown", () => {
    const t = setup();
    t.last().drop(1006);
    t.socket.close();
    vi.advanceTimersByTime(60_000);
    expect(t.sockets).toHaveLength(1);
    expect(t.socket.status.kind).toBe("closed");
  });

  it("closes the live socket on teardown and ignores its late events", () => {
    const t = setup();
    const first = t.last();
    first.open();
    t.socket.close();
    expect(first.closedWith).toBe(1000);
    first.onmessage?.({ data: "late" });
    expect(t.messages).toEqual([]);
  });

  it("retries at once on Retry now", () => {
    const t = setup();
    t.last().drop(1006);
    t.socket.retryNow();
    expect(t.sockets).toHaveLength(2);
    vi.advanceTimersByTime(60_000);
    expect(t.sockets).toHaveLength(2);
  });
});

describe("ReconnectingSocket.reconnect", () => {
  it("drops the open connection silently and connects again at once, asking for the URL anew", () => {
    const t = setup();
    const first = t.last();
    first.open();
    t.socket.reconnect();
    expect([first.closedWith, t.sockets.length, t.last().url]).toEqual([1000, 2, "ws://x/1"]);
    first.onmessage?.({ data: "late" });
    first.drop(1000);
    t.last().open();
    t.last().onmessage?.({ data: "new" });
    expect(t.messages).toEqual(["new"]);
    expect(t.statuses.at(-1)).toEqual({ kind: "open" });
  });

  it("does nothing once closed", () => {
    const t = setup();
    t.socket.close();
    t.socket.reconnect();
    expect(t.sockets).toHaveLength(1);
  });
});

describe("socketUrl", () => {
  it("follows the page's scheme and host", () => {
    expect(socketUrl("/ws/app", { protocol: "http:", host: "127.0.0.1:3457" })).toBe("ws://127.0.0.1:3457/ws/app");
    expect(socketUrl("/ws/app", { protocol: "https:", host: "h" })).toBe("wss://h/ws/app");
  });
});
