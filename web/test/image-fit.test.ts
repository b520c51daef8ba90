import { describe, expect, it } from "vitest";
import { firstEncoding, MAX_PIXELS, MIN_SIDE, nextEncoding, scaledSize, type Encoding } from "../src/terminal/image-fit";

const CAP = 1_500_000;

/** Runs the plan against an encoder whose output grows with the pixel count and the quality. */
function run(width: number, height: number, bytesPerPixel: number, webp = true) {
  const tried: Encoding[] = [];
  let encoding: Encoding | null = firstEncoding(width, height);
  while (encoding !== null) {
    tried.push(encoding);
    const { width: w, height: h } = scaledSize(width, height, encoding.scale);
    const produced = encoding.type === "image/webp" && !webp ? "image/png" : encoding.type;
    const size = w * h * bytesPerPixel * (produced === "image/png" ? 4 : encoding.quality);
    if (size <= CAP && produced !== "image/png") return { tried, fitted: encoding };
    encoding = nextEncoding(encoding, size, produced, CAP, width, height);
  }
  return { tried, fitted: null };
}

describe("image fitting", () => {
  it("keeps every pixel of a 4K screenshot that fits as WebP", () => {
    const { tried, fitted } = run(3840, 2160, 0.08);
    expect(tried).toHaveLength(1);
    expect(fitted).toEqual({ type: "image/webp", quality: 0.9, scale: 1 });
  });

  it("lowers the quality of one a little over the cap before scaling it", () => {
    const { tried, fitted } = run(3840, 2160, 0.22);
    expect(tried.map((t) => t.quality)).toEqual([0.9, 0.75]);
    expect(fitted?.scale).toBe(1);
  });

  it("scales one far over the cap down in a few tries, keeping most of it", () => {
    const { tried, fitted } = run(3840, 2160, 1.5);
    expect(fitted).not.toBeNull();
    expect(tried.length).toBeLessThanOrEqual(4);
    expect(fitted!.scale).toBeGreaterThan(0.3);
  });

  it("switches to JPEG when the browser cannot encode WebP", () => {
    const { tried, fitted } = run(3840, 2160, 0.08, false);
    expect(tried.map((t) => t.type)).toEqual(["image/webp", "image/jpeg"]);
    expect(fitted?.type).toBe("image/jpeg");
  });

  it("never asks a canvas for more than MAX_PIXELS", () => {
    const { width, height } = scaledSize(20_000, 20_000, firstEncoding(20_000, 20_000).scale);
    expect(width * height).toBeLessThanOrEqual(MAX_PIXELS);
  });

  it("gives up rather than send a thumbnail", () => {
    const { fitted, tried } = run(1000, 1000, 1000);
    expect(fitted).toBeNull();
    const last = tried[tried.length - 1]!;
    expect(1000 * last.scale).toBeGreaterThanOrEqual(MIN_SIDE);
  });
});
