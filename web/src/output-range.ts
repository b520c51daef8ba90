/** Which part of a worker's output the history view shows, for its bar: "1.8–2.0 of 10.0 MiB",
 * in the unit that suits the whole (a short output in KiB, not "0.0–0.0 of 0.0 MiB"). Offsets are
 * counted from the oldest byte still kept. */

const KIB = 1024;
const MIB = 1024 * KIB;

export function outputRange(start: number, end: number, total: number): string {
  const whole = Math.max(total, end, 0);
  const [unit, name] = whole >= MIB ? [MIB, "MiB"] : [KIB, "KiB"];
  const show = (bytes: number) => (Math.max(0, Math.min(bytes, whole)) / unit).toFixed(1);
  return `${show(start)}–${show(end)} of ${show(whole)} ${name}`;
}
