/** How long ago something happened, in the fewest characters a glance needs (pure). */

/** "now", "45s", "12m", "3h", "2d" — `ms` is the elapsed time in milliseconds. */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 5) return "now";
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** The same in words, for screen readers and tooltips: "12 minutes". */
export function spokenAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (s < 5) return "a moment";
  if (s < 60) return unit(s, "second");
  if (s < 3600) return unit(Math.floor(s / 60), "minute");
  if (s < 172800) return unit(Math.floor(s / 3600), "hour");
  return unit(Math.floor(s / 86400), "day");
}
