/**
 * One file of the diff review: a header (status, name, +/−) that folds it, and its hunks in
 * unified or side-by-side layout with syntax colours, drawn FIRST_LINES at a time.
 */

import { useMemo, useState } from "preact/hooks";
import type { FileDiff } from "../api";
import type { Token } from "../diff/highlight";
import type { DiffLine, Hunk, SplitRow } from "../diff/parse";
import { fileLabel, fileView, FIRST_LINES, SHOW_MORE, STATUS_LETTER, visibleRows, type Layout, type Row } from "../diff/view";
import { ChevronIcon } from "./icons";

interface Props {
  file: FileDiff;
  layout: Layout;
  open: boolean;
  onToggle: () => void;
}

export function DiffFile({ file, layout, open, onToggle }: Props) {
  return (
    <section class="diff-file" id={fileAnchor(file.path)} data-path={file.path} data-status={file.status}>
      <header class="diff-file-head">
        <button type="button" class="fold" aria-expanded={open} aria-label={`${open ? "Fold" : "Unfold"} ${file.path}`} onClick={onToggle}>
          <ChevronIcon open={open} />
        </button>
        <StatusMark status={file.status} />
        <span class="mono file-path" title={fileLabel(file)}>
          <bdi>{fileLabel(file)}</bdi>
        </span>
        <Stats file={file} />
      </header>
      {open && <FileBody file={file} layout={layout} />}
    </section>
  );
}

export function StatusMark({ status }: { status: FileDiff["status"] }) {
  return (
    <span class={`status-mark status-${status}`} title={status}>
      {STATUS_LETTER[status]}
    </span>
  );
}

export function Stats({ file }: { file: FileDiff }) {
  if (file.binary) return <span class="badge neutral">binary</span>;
  return (
    <span class="stats mono">
      {file.additions > 0 && <span class="stat-add">+{file.additions}</span>}
      {file.deletions > 0 && <span class="stat-del">−{file.deletions}</span>}
    </span>
  );
}

export function fileAnchor(path: string): string {
  return `diff-${encodeURIComponent(path)}`;
}

function FileBody({ file, layout }: { file: FileDiff; layout: Layout }) {
  const [limit, setLimit] = useState(FIRST_LINES);
  // A reload brings new objects for unchanged files: only a changed patch is parsed again.
  const view = useMemo(() => fileView(file, layout), [file.path, file.diff, file.binary, layout]);
  const { shown, hidden } = visibleRows(view.rows, limit);
  const message = emptyMessage(file, view.rows.length > 0);
  return (
    <div class="diff-file-body">
      {message !== null && <p class="diff-note">{message}</p>}
      {view.rows.length > 0 && (
        // Keyed by layout: the two layouts' rows share nothing, so the table is built afresh.
        <table key={layout} class={`diff-table ${layout}`}>
          <colgroup>
            {layout === "unified" ? (
              <>
                <col class="num-col" />
                <col class="num-col" />
                <col />
              </>
            ) : (
              <>
                <col class="num-col" />
                <col />
                <col class="num-col" />
                <col />
              </>
            )}
          </colgroup>
          <tbody>
            {shown.map((row, i) => (
              <RowView key={i} row={row} tokens={view.tokens} layout={layout} />
            ))}
          </tbody>
        </table>
      )}
      {hidden > 0 && (
        <button type="button" class="show-more" onClick={() => setLimit(limit + SHOW_MORE)}>
          Show {Math.min(hidden, SHOW_MORE).toLocaleString()} more line{hidden === 1 ? "" : "s"} ({hidden.toLocaleString()} hidden)
        </button>
      )}
    </div>
  );
}

function emptyMessage(file: FileDiff, hasRows: boolean): string | null {
  if (file.binary) return "Binary file: its contents are not shown.";
  if (file.truncated) return `This file's diff is too large to show (+${file.additions} −${file.deletions}).`;
  if (hasRows) return null;
  if (file.status === "renamed") return "Renamed without changes.";
  return file.status === "added" ? "Empty file." : "No changes to its text (mode or type only).";
}

type Tokens = ReadonlyMap<DiffLine, Token[]>;

function RowView({ row, tokens, layout }: { row: Row; tokens: Tokens; layout: Layout }) {
  if (row.kind === "hunk") return <HunkRow hunk={row.hunk} span={layout === "unified" ? 3 : 4} />;
  if (row.kind === "line") {
    const { line } = row;
    return (
      <tr class={`line ${line.kind}`}>
        <td class="num" data-n={line.oldNo ?? ""} />
        <td class="num" data-n={line.newNo ?? ""} />
        <Code line={line} tokens={tokens} />
      </tr>
    );
  }
  return <PairRow row={row.row} tokens={tokens} />;
}

function HunkRow({ hunk, span }: { hunk: Hunk; span: number }) {
  const header = hunk.header.slice(0, hunk.header.length - hunk.section.length).trim();
  return (
    <tr class="hunk">
      <td colSpan={span}>
        <span class="mono">{header}</span> {hunk.section !== "" && <span class="hunk-section mono">{hunk.section}</span>}
      </td>
    </tr>
  );
}

function PairRow({ row, tokens }: { row: SplitRow; tokens: Tokens }) {
  const cells = (line: DiffLine | null, number: number | null | undefined, side: string) =>
    line === null
      ? [<td key={`${side}n`} class="num blank" />, <td key={`${side}c`} class="code blank" />]
      : [<td key={`${side}n`} class={`num ${line.kind}`} data-n={number ?? ""} />, <Code key={`${side}c`} line={line} tokens={tokens} />];
  return <tr class="line pair">{[...cells(row.left, row.left?.oldNo, "l"), ...cells(row.right, row.right?.newNo, "r")]}</tr>;
}

const SIGN = { add: "+", del: "-", context: " " } as const;

function Code({ line, tokens }: { line: DiffLine; tokens: Tokens }) {
  const parts = tokens.get(line);
  return (
    <td class={`code ${line.kind}`} data-sign={SIGN[line.kind]}>
      {parts === undefined ? line.text : parts.map((t, i) => (t.kind === "plain" ? t.text : <span key={i} class={`tok-${t.kind}`}>{t.text}</span>))}
      {line.noNewline && <span class="no-newline" title="No newline at end of file">⊘</span>}
    </td>
  );
}
