import { describe, expect, it } from "vitest";
import { isImageType, parseAppMessage, parseWorkerMessage, workerSocketPath } from "../src/protocol";

describe("parsing", () => {
  it("accepts known app messages and refuses the rest", () => {
    expect(parseAppMessage('{"type":"session-deleted","sessionId":"s"}')).toEqual({
      type: "session-deleted",
      sessionId: "s",
    });
    expect(parseAppMessage('{"type":"agents-sync"}')).toBeNull();
    expect(parseAppMessage("not json")).toBeNull();
    expect(parseAppMessage("[1]")).toBeNull();
  });

  it("accepts known worker messages", () => {
    expect(parseWorkerMessage('{"type":"output","data":"x","offset":1}')).toEqual({ type: "output", data: "x", offset: 1 });
    expect(parseWorkerMessage('{"type":"input","data":"x"}')).toBeNull();
  });

  it("knows the image types the server accepts", () => {
    expect(isImageType("image/png")).toBe(true);
    expect(isImageType("image/bmp")).toBe(false);
  });

  it("builds the worker socket path with an optional offset", () => {
    expect(workerSocketPath("s 1", "w", null)).toBe("/ws/session/s%201/worker/w");
    expect(workerSocketPath("s", "w", 42)).toBe("/ws/session/s/worker/w?offset=42");
  });
});
