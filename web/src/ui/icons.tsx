/** Line icons as inline SVG (no icon font, no emoji: they render the same everywhere). */

import type { JSX } from "preact";

function Icon({ children, size = 16 }: { children: JSX.Element | JSX.Element[]; size?: number }) {
  return (
    <svg
      class="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

export const TrashIcon = () => (
  <Icon>
    <path d="M3 6h18" />
    <path d="M8 6V4h8v2" />
    <path d="M6 6l1 14h10l1-14" />
  </Icon>
);

export const PencilIcon = () => (
  <Icon size={14}>
    <path d="M4 20h4L19 9l-4-4L4 16v4z" />
  </Icon>
);

export const BellIcon = () => (
  <Icon>
    <path d="M6 9a6 6 0 0 1 12 0c0 6 3 7 3 7H3s3-1 3-7" />
    <path d="M10 20a2 2 0 0 0 4 0" />
  </Icon>
);

export const PlusIcon = () => (
  <Icon size={14}>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);

export const RestartIcon = () => (
  <Icon size={14}>
    <path d="M3 12a9 9 0 1 0 3-6.7" />
    <path d="M3 3v6h6" />
  </Icon>
);

export const CloseIcon = () => (
  <Icon size={14}>
    <path d="M6 6l12 12M18 6L6 18" />
  </Icon>
);

export const BackIcon = () => (
  <Icon size={18}>
    <path d="M15 5l-7 7 7 7" />
  </Icon>
);
