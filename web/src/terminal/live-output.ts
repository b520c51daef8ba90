/**
 * What the live terminal is given, and how: `history` and `output` written to xterm.js in chunks
 * whose write callbacks the flow control counts (it says when to send `pause` and `resume`), a
 * history drawn as synchronized output, a reset written in line with what is still being parsed,
 * and the marks that say which offsets the terminal still holds (live-extent.ts).
 */

import type { Terminal } from "@xterm/xterm";
import type { WorkerServerMessage } from "../protocol";
import { BEGIN_SYNC, chunks, END_SYNC, FlowControl, type FlowSignal } from "./flow-control";
import { LiveExtent } from "./live-extent";
import { lostNotice, planHistory, planOutput, type Plan } from "./offsets";

type History = Extract<WorkerServerMessage, { type: "history" }>;
type Output = Extract<WorkerServerMessage, { type: "output" }>;

export interface OutputEvents {
  signal(message: "pause" | "resume"): void;
  /** Output up to `offset` is parsed (`history`: the first piece of a history). */
  parsed(offset: number, history: boolean): void;
}

/** RIS: a full reset, written in line with the output before it (reset() would act at once). */
const RESET = "\x1bc";

export class LiveOutput {
  private readonly flow = new FlowControl();
  private readonly extent = new LiveExtent();
  private end: number | null = null;
  private retainedStart = 0;

  constructor(
    private readonly term: Terminal,
    private readonly element: HTMLElement,
    private readonly events: OutputEvents,
  ) {}

  /** The offset of the end of what the terminal was given (null before its first history). */
  get rendered(): number | null {
    return this.end;
  }

  get paused(): boolean {
    return this.flow.paused;
  }

  /** Writes a `history`; false when it cannot be used: the server could not continue from our
   * offset and would stream all it keeps (see WorkerTerminal.startOver). */
  history(message: History): boolean {
    const plan = planHistory(this.end, message);
    if (plan.reset && message.retainedStart === undefined) return false;
    if (message.retainedStart !== undefined) this.retainedStart = message.retainedStart;
    this.write(plan, true, plan.reset || this.end === null ? message.startOffset : null);
    return true;
  }

  output(message: Output): void {
    this.write(planOutput(this.end, message), false);
  }

  /** Forgets where the terminal was: it is cleared (saying how many bytes were lost, if any),
   * and the next history starts it afresh. */
  restart(lostBytes?: number): void {
    this.end = null;
    this.term.write(RESET + lostNotice(lostBytes));
  }

  setVisible(visible: boolean): void {
    this.signal(this.flow.setVisible(visible));
  }

  /** A new socket (the server starts it unpaused). */
  connected(): void {
    this.signal(this.flow.connected());
  }

  /** The offset from which on the terminal holds everything it was given. */
  liveStart(): number {
    return this.extent.start(this.end ?? 0);
  }

  /** The terminal line holding `offset`, or null if it is gone. */
  lineOf(offset: number): number | null {
    return this.extent.lineOf(offset);
  }

  /** Whether output older than what the terminal holds is kept. */
  hasEarlier(): boolean {
    return this.end !== null && this.extent.start(this.end) > this.retainedStart;
  }

  dispose(): void {
    this.extent.dispose();
  }

  /** A terminal that starts over at `start` is reset in line with what is still being written;
   * a history is one synchronized update, drawn once parsed rather than at every frame. */
  private write(plan: Plan, history: boolean, start: number | null = null): void {
    if (start !== null) {
      this.element.dataset.start = String(start);
      this.term.write(plan.reset ? RESET : "", () => this.extent.reset(start));
    }
    this.end = plan.rendered;
    this.element.dataset.offset = String(plan.rendered);
    const text = history && plan.write !== "" ? BEGIN_SYNC + plan.write + END_SYNC : plan.write;
    const pieces = chunks(text);
    if (pieces.length === 0) return this.parsed(plan.rendered, history);
    this.signal(this.flow.received(text.length));
    pieces.forEach((piece, i) =>
      this.term.write(piece, () => {
        this.signal(this.flow.written(piece.length));
        if (i === pieces.length - 1) this.parsed(plan.rendered, history);
      }),
    );
  }

  /** Marks the cursor's line with the offset parsed up to (for the history view). */
  private parsed(offset: number, history: boolean): void {
    const buffer = this.term.buffer.active;
    if (buffer.type === "normal") this.extent.note(offset, buffer.baseY + buffer.cursorY, () => this.term.registerMarker(0));
    this.events.parsed(offset, history);
  }

  private signal(signal: FlowSignal): void {
    if (signal !== null) this.events.signal(signal);
    this.element.dataset.paused = String(this.flow.paused);
  }
}
