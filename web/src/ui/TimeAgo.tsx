/**
 * "4m", kept current: one timer for the whole page rewrites the text of every <time> it made,
 * every few seconds, without re-rendering any component.
 */

import { formatAge, spokenAge } from "../age";

const TICK_MS = 5000;
let timer: ReturnType<typeof setInterval> | null = null;

function tick(): void {
  const now = Date.now();
  const shown = document.querySelectorAll<HTMLTimeElement>("time[data-age]");
  if (shown.length === 0 && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
  for (const el of shown) paint(el, now);
}

function paint(el: HTMLTimeElement, now: number): void {
  const ms = now - Date.parse(el.dateTime);
  const text = (el.dataset.age ?? "") + formatAge(ms);
  // Change the text node Preact made, never replace it (Preact keeps a reference to it).
  const node = el.firstChild;
  if (node instanceof Text && node.data !== text) node.data = text;
  const spoken = `${el.dataset.spoken ?? ""}${spokenAge(ms)}`;
  if (el.title !== spoken) el.title = spoken;
}

/** Time since `since` (ISO), e.g. "4m"; `prefix` goes before it ("idle "). */
export function TimeAgo({ since, prefix = "", spoken = "" }: { since: string; prefix?: string; spoken?: string }) {
  timer ??= setInterval(tick, TICK_MS);
  const ms = Date.now() - Date.parse(since);
  return (
    <time class="age" dateTime={since} data-age={prefix} data-spoken={spoken} title={spoken + spokenAge(ms)}>
      {prefix + formatAge(ms)}
    </time>
  );
}
