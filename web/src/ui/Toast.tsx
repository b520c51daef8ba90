/** A short message for everyone: shown for a few seconds and read out by screen readers. */

import { useEffect, useState } from "preact/hooks";

const listeners = new Set<(text: string) => void>();

export function announce(text: string): void {
  for (const listener of listeners) listener(text);
}

export function Toast() {
  const [message, setMessage] = useState<{ text: string; n: number } | null>(null);
  useEffect(() => {
    const show = (text: string) => setMessage((m) => ({ text, n: (m?.n ?? 0) + 1 }));
    listeners.add(show);
    return () => void listeners.delete(show);
  }, []);
  useEffect(() => {
    if (message === null) return;
    const id = setTimeout(() => setMessage(null), 3000);
    return () => clearTimeout(id);
  }, [message]);
  return (
    <div class="toast-region" role="status" aria-live="polite">
      {message !== null && (
        <div class="toast" key={message.n}>
          {message.text}
        </div>
      )}
    </div>
  );
}
