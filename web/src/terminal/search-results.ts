/**
 * The matches of a search in one worker's history and which one is shown (pure).
 *
 * The server lists the lines that contain the text, oldest first (`GET …/search?q=`). The
 * newest match is shown first, as a terminal's find does; "older" and "newer" step from there
 * and wrap around. (The keys that open the search are in keymap.ts.)
 */

export interface Match {
  offset: number;
  line: string;
}

export interface SearchAnswer {
  matches: Match[];
  truncated: boolean;
}

export class SearchResults {
  private constructor(
    readonly query: string,
    readonly matches: readonly Match[],
    readonly truncated: boolean,
    readonly index: number,
  ) {}

  static of(query: string, answer: SearchAnswer, near: number | null = null): SearchResults {
    const matches = answer.matches;
    let index = matches.length - 1;
    if (near !== null && matches.length > 0) {
      const at = matches.findIndex((m) => m.offset >= near);
      index = at < 0 ? matches.length - 1 : at;
    }
    return new SearchResults(query, matches, answer.truncated, index);
  }

  get current(): Match | null {
    return this.matches[this.index] ?? null;
  }

  older(): SearchResults {
    return this.step(-1);
  }

  newer(): SearchResults {
    return this.step(1);
  }

  /** "3 of 12", "12 of 500+", or "No matches". */
  get label(): string {
    if (this.matches.length === 0) return "No matches";
    return `${this.index + 1} of ${this.matches.length}${this.truncated ? "+" : ""}`;
  }

  private step(by: number): SearchResults {
    const n = this.matches.length;
    if (n === 0) return this;
    return new SearchResults(this.query, this.matches, this.truncated, (this.index + by + n) % n);
  }
}
