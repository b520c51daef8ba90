import { describe, expect, it } from "vitest";
import { outputRange } from "../src/output-range";

describe("outputRange", () => {
  it("names a big output's part in MiB", () => {
    expect(outputRange(1.9 * 1024 * 1024, 2 * 1024 * 1024, 10 * 1024 * 1024)).toBe("1.9–2.0 of 10.0 MiB");
  });

  it("names a short output's part in KiB rather than as nothing", () => {
    expect(outputRange(0, 300, 450)).toBe("0.0–0.3 of 0.4 KiB");
    expect(outputRange(512, 200 * 1024, 800 * 1024)).toBe("0.5–200.0 of 800.0 KiB");
  });

  it("picks the unit by the whole, so both ends read alike", () => {
    expect(outputRange(0, 100 * 1024, 3 * 1024 * 1024)).toBe("0.0–0.1 of 3.0 MiB");
  });

  it("never shows a part beyond the whole or before its start", () => {
    expect(outputRange(-5, 2048, 1024)).toBe("0.0–2.0 of 2.0 KiB");
  });
});
