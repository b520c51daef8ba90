import { describe, expect, it } from "vitest";
import { dropUtf8Bytes, planHistory, planOutput, utf8Length } from "../src/terminal/offsets";

describe("planHistory", () => {
  it("writes the first history without a reset", () => {
    expect(planHistory(null, { data: "hello", startOffset: 100, offset: 105 })).toEqual({
      reset: false,
      write: "hello",
      rendered: 105,
    });
  });

  it("appends when the history starts where the screen ends", () => {
    expect(planHistory(105, { data: "more", startOffset: 105, offset: 109 })).toEqual({
      reset: false,
      write: "more",
      rendered: 109,
    });
  });

  it("resets the screen when the server could not continue from our offset", () => {
    expect(planHistory(50, { data: "all", startOffset: 80, offset: 83 }).reset).toBe(true);
    expect(planHistory(50, { data: "all", startOffset: 0, offset: 83 }).reset).toBe(true);
  });

  it("keeps an empty history as a no-op", () => {
    expect(planHistory(7, { data: "", startOffset: 7, offset: 7 })).toEqual({ reset: false, write: "", rendered: 7 });
  });
});

describe("planOutput", () => {
  it("appends contiguous output and advances the offset", () => {
    expect(planOutput(10, { data: "abc", offset: 13 })).toEqual({ reset: false, write: "abc", rendered: 13 });
  });

  it("drops output the screen already shows", () => {
    expect(planOutput(13, { data: "abc", offset: 13 })).toEqual({ reset: false, write: "", rendered: 13 });
    expect(planOutput(20, { data: "abc", offset: 13 })).toEqual({ reset: false, write: "", rendered: 20 });
  });

  it("writes only the new tail of overlapping output, counting UTF-8 bytes", () => {
    // "é" is 2 bytes, "€" 3: "aé€b" spans bytes 10..17; the screen has up to 13 (a + é).
    expect(planOutput(13, { data: "aé€b", offset: 17 })).toEqual({ reset: false, write: "€b", rendered: 17 });
  });

  it("never repeats or loses a byte over a stream cut anywhere", () => {
    const stream = "ab€😀c\r\nxyz";
    const chunks = ["ab", "€", "😀c", "\r\n", "xyz"];
    let end = 0;
    const messages = chunks.map((data) => ({ data, offset: (end += utf8Length(data)) }));
    for (let cut = 0; cut <= messages.length; cut++) {
      let rendered: number | null = null;
      let screen = "";
      for (const m of [...messages.slice(0, cut), ...messages]) {
        const plan = planOutput(rendered, m);
        screen += plan.write;
        rendered = plan.rendered;
      }
      expect(screen).toBe(stream);
    }
  });
});

describe("utf8Length and dropUtf8Bytes", () => {
  it("counts bytes like TextEncoder, surrogate pairs included", () => {
    for (const s of ["", "abc", "é", "€", "😀", "a😀€é\n", "\ud800x"]) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    }
  });

  it("drops whole characters from the front", () => {
    expect(dropUtf8Bytes("a😀b", 1)).toBe("😀b");
    expect(dropUtf8Bytes("a😀b", 5)).toBe("b");
    expect(dropUtf8Bytes("a😀b", 3)).toBe("b");
    expect(dropUtf8Bytes("abc", 0)).toBe("abc");
    expect(dropUtf8Bytes("abc", 9)).toBe("");
  });
});
