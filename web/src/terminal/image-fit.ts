/**
 * How to re-encode a pasted or dropped image until it fits the server's cap (pure).
 *
 * A HiDPI screenshot is often 1–4 MB of PNG. The first try keeps every pixel as WebP at high
 * quality (a 4K screenshot then takes well under the cap); a result a little too big is tried
 * again at a lower quality, a result far too big at a smaller scale, chosen from how far over the
 * cap it came out (bytes grow with the pixel count, so with the square of the scale). A browser
 * that cannot encode WebP (its canvas hands back PNG) gets JPEG instead.
 */

export type EncodedType = "image/webp" | "image/jpeg";

export interface Encoding {
  type: EncodedType;
  quality: number;
  /** Of the original width and height. */
  scale: number;
}

/** The most pixels a canvas is asked to hold (browsers refuse larger ones): 4096 × 4096. */
export const MAX_PIXELS = 4096 * 4096;
/** Below this longest side the image is no longer worth sending: give up instead. */
export const MIN_SIDE = 320;
const HIGH = 0.9;
const LOWER = 0.75;
const USUAL = 0.85;

export function firstEncoding(width: number, height: number): Encoding {
  return { type: "image/webp", quality: HIGH, scale: Math.min(1, Math.sqrt(MAX_PIXELS / (width * height))) };
}

/**
 * What to try after `tried` gave `size` bytes of `produced` type (over `cap`), for an image of
 * `width` × `height`; null when even a small image would not fit (then refuse it).
 */
export function nextEncoding(
  tried: Encoding,
  size: number,
  produced: string,
  cap: number,
  width: number,
  height: number,
): Encoding | null {
  if (produced !== tried.type) return tried.type === "image/jpeg" ? null : { ...tried, type: "image/jpeg" };
  if (size <= cap * 1.3 && tried.quality > LOWER) return { ...tried, quality: LOWER };
  const scale = tried.scale * Math.min(0.9, Math.sqrt(cap / size) * 0.95);
  if (Math.max(width, height) * scale < MIN_SIDE) return null;
  return { ...tried, quality: USUAL, scale };
}

/** The size of `width` × `height` at `scale`, whole pixels, at least 1 × 1. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
