import { describe, expect, it } from "vitest";
import { InputPath, type InputStatus } from "../src/terminal/input-path";
import { OFFLINE_INPUT_LIMIT } from "../src/terminal/input-queue";

/** An input path over a socket the test opens and closes; what it sent, pasted and showed. */
function path(modes = { applicationCursor: true, bracketedPaste: true }) {
  const world = { open: true, closed: false, sent: [] as string[], pasted: [] as string[], status: {} as Partial<InputStatus> & { notice?: string } };
  const input = new InputPath(new EventTarget() as unknown as HTMLElement, "other", {
    send: (data) => world.open && world.sent.push(data) > 0,
    closed: () => world.closed,
    modes: () => modes,
    paste: (text) => world.pasted.push(text),
    update: (patch) => Object.assign(world.status, patch),
  });
  return { input, world };
}

/** A path whose first history was parsed: nothing is held any more. */
function released() {
  const made = path();
  made.input.release();
  return made;
}

describe("InputPath", () => {
  it("holds what is typed before the first history and sends it at release, in the modes then, before what is typed later", () => {
    const { input, world } = path();
    input.data("a");
    input.key("Up");
    input.paste("p\n");
    expect([world.sent, world.pasted]).toEqual([[], []]);
    input.release();
    input.data("b");
    expect(world.sent).toEqual(["a", "\x1bOA", "\x1b[200~p\r\x1b[201~", "b"]);
  });

  it("sends a key row key as xterm.js would in the terminal's cursor key mode", () => {
    const { input, world } = released();
    input.key("Up");
    input.key("Enter");
    expect(world.sent).toEqual(["\x1bOA", "\r"]);
  });

  it("applies Ctrl armed from the key row to the next key typed only, and shows it armed until then", () => {
    const { input, world } = released();
    input.toggleCtrl();
    expect(world.status.ctrlArmed).toBe(true);
    input.data("c");
    input.data("c");
    expect([world.sent, world.status.ctrlArmed]).toEqual([["\x03", "c"], false]);
  });

  it("disarms Ctrl on a second press", () => {
    const { input, world } = released();
    input.toggleCtrl();
    input.toggleCtrl();
    input.data("c");
    expect([world.sent, world.status.ctrlArmed]).toEqual([["c"], false]);
  });

  it("leaves Ctrl armed through key row keys and xterm.js's binary input, which go as they are", () => {
    const { input, world } = released();
    input.toggleCtrl();
    input.key("Enter");
    input.send("\x1b[M !!");
    input.typed("d");
    expect(world.sent).toEqual(["\r", "\x1b[M !!", "\x04"]);
  });

  it("queues what is typed while the socket is down, and sends it in order, as one, on reconnect", () => {
    const { input, world } = released();
    world.open = false;
    for (const key of ["l", "s", "\r"]) input.data(key);
    expect([world.sent, world.status.queued, input.counts]).toEqual([[], 3, { queued: 3, refused: 0 }]);
    world.open = true;
    input.reconnected();
    expect([world.sent, world.status]).toEqual([["ls\r"], { queued: 0, refused: 0 }]);
  });

  it("refuses and counts what is typed past the queue's bound, and says on reconnect how much was not sent", () => {
    const { input, world } = released();
    world.open = false;
    input.data("x".repeat(OFFLINE_INPUT_LIMIT));
    input.data("yz");
    input.data("!");
    expect([world.status.queued, world.status.refused]).toEqual([OFFLINE_INPUT_LIMIT, 3]);
    world.open = true;
    input.reconnected();
    expect(world.sent).toEqual(["x".repeat(OFFLINE_INPUT_LIMIT)]);
    expect(world.status).toEqual({ queued: 0, refused: 0, notice: "3 characters typed while disconnected were not sent." });
  });

  it("sends nothing on a reconnect with nothing queued, and leaves the notice as it was", () => {
    const { input, world } = released();
    input.reconnected();
    expect([world.sent, "notice" in world.status]).toEqual([[], false]);
  });

  it("queues nothing once the terminal is closed: a notice says what is typed is not sent", () => {
    const { input, world } = released();
    [world.open, world.closed] = [false, true];
    input.data("a");
    expect([input.counts, world.status.notice]).toEqual([{ queued: 0, refused: 0 }, "This terminal is closed: what you type is not sent."]);
  });

  it("forgets what was queued when the terminal closes", () => {
    const { input, world } = released();
    world.open = false;
    input.data("a");
    input.forget();
    world.open = true;
    input.reconnected();
    expect([input.counts, world.sent]).toEqual([{ queued: 0, refused: 0 }, []]);
  });

  it("pastes text into xterm.js once released, and nothing for empty text", () => {
    const { input, world } = released();
    input.paste("");
    input.paste("hello");
    expect([world.pasted, world.sent]).toEqual([["hello"], []]);
  });

  it("says so when the browser gives no clipboard, and pastes nothing", async () => {
    const { input, world } = released();
    expect(await input.pasteClipboard()).toBe(false); // node has no navigator.clipboard
    expect([world.pasted, world.status.notice]).toEqual([[], "The browser did not give the clipboard: allow it, or paste with a long press on the terminal."]);
  });
});
