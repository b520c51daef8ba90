"""The one judge of an agent's activity (pure): structured signals first, the screen as fallback
and cross-check.

Inputs, each with `now` on one clock: the agent's output (fed to the screen detector,
activity.py, and scanned for window titles and OSC 7501, signals.py), the user's keys, resizes,
and hook observations (hook_events.py). Output: the state, its reason (`hook:PermissionRequest`,
`title`, `osc:7501 done`, `screen:pattern 2`, `quiet 2 s`, …), and while asking, the question.

Rules:
- Each source (hook, title, osc) keeps its latest claim, dated from when that source last
  changed its mind; the claim in force is the most recent of them. A hook call dated before the
  claim in force changes nothing (late), nor one that repeats it, nor one dated before the user's
  last answer (it was about the question just answered).
- `stopped` (Claude Code's `✳` title: not working) is asking while another source says asking,
  idle otherwise — once it has stood for STOP_SETTLE: the title changes just before a dialog is
  drawn. Idle claims count only once a structured working claim was seen: CLIs show their idle
  title at start, before they take up the first prompt.
- The screen's asking wins over any claim: it alone sees startup dialogs, Aider's questions,
  Codex's Ctrl-C question (during which Codex says it is working).
- A structured asking the screen confirmed (a pattern matched since) follows the screen: when
  the prompt goes away, so does it. One the screen never confirmed is re-checked at each screen
  judgement: it is dropped once the screen shows new work, or the user presses Enter or Esc.
- A question ends when the user answers it (Enter, Esc, a menu's number or hotkey) or its prompt
  leaves the screen: every earlier claim is void, and the screen decides (the agent acts on the
  answer: `input:answer`) until the agent speaks again. A refusal (Esc, a no-like choice) of an
  agent that gives structured signals is idle at once (`input:refused`: the CLIs wait for the
  user then; Claude Code sends no hook); work it claims within REFUSAL_WINDOW (before the user
  sends anything) must stand REFUSAL_SETTLE to count (Codex says it works for a moment as it
  cancels). Work claimed within STOP_SETTLE of an idle claim must stand STOP_SETTLE (OpenCode
  says busy for a moment as a turn ends).
- Fallbacks: a working claim while the screen has been idle for STALE_WORKING yields to the
  screen (a stop no signal reported); an idle claim yields to new screen work sustained for
  NEW_WORK and still going on (a start no signal reported) — not to one redraw the screen
  detector keeps calling active for its long quiet period.
- Without any structured claim (a custom agent, Aider), the screen detector decides alone.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from agent_console.activity import ANSWER, ActivityDetector
from agent_console.model import ActivityState
from agent_console.question import Question, is_refusal, kind_of
from agent_console.signals import Claim, Observation, OscScanner, from_terminal
from agent_console.terminal_replies import without_replies

STOP_SETTLE = 0.3
INTERRUPT_WINDOW = 2.0  # a stop this soon after the user's Esc or Ctrl-C needs no settling
REFUSAL_WINDOW = 3.0  # work claimed this soon after a refusal (before the user's next Enter)…
REFUSAL_SETTLE = 1.0  # …must stand this long to count
FIRST_TURN_WAIT = 90.0  # longest an agent launched with a prompt may take to start on it
STALE_WORKING = 30.0
NEW_WORK = 5.0
HISTORY = 50

ACTIVE, IDLE, ASKING = ActivityState.ACTIVE, ActivityState.IDLE, ActivityState.ASKING


@dataclass(frozen=True)
class Change:
    """One change of the judged state, and why."""

    state: ActivityState
    reason: str
    at: float
    question: Question | None = None


@dataclass(frozen=True)
class Signal:
    """One structured observation as the judge received it, and whether it counted."""

    observation: Observation
    taken: bool


@dataclass
class _Held:
    """A source's claim (dated from when the source first made it), when the source last said
    it, and whether the screen showed a question since (asking)."""

    observation: Observation
    last: float
    before: Observation | None = None  # its previous claim, in force while this one settles
    confirmed: bool = False

    def standing(
        self, stands_from: Callable[[Observation], float], now: float
    ) -> Observation | None:
        """The claim of this source in force now: its latest once it stands, else the one
        before it."""
        for claim in (self.observation, self.before):
            if claim is not None and now >= stands_from(claim):
                return claim
        return None


class ActivityJudge:
    """The activity of one agent worker from its screen and its structured signals."""

    def __init__(self, screen: ActivityDetector, new_id: Callable[[], str] | None = None) -> None:
        self.screen = screen
        self.state = screen.state
        self.reason = screen.reason
        self.question: Question | None = None
        self.history: deque[Change] = deque(maxlen=HISTORY)
        self.signals: deque[Signal] = deque(maxlen=HISTORY)
        self._new_id = new_id or (lambda: uuid.uuid4().hex[:12])
        self._held: dict[str, _Held] = {}
        self._osc = OscScanner()
        self._worked = False  # a structured working claim was seen
        self._screen_asking = False
        self._answered_at = -math.inf
        self._interrupted_at = -math.inf
        self._refused_at = -math.inf
        self._rested_at = -math.inf  # the latest idle or stopped claim
        self._rested_order = 0
        self._taken = 0  # claims taken so far: each one's `order`
        self._first_turn_until = -math.inf
        self._new_question = True  # the next question gets a new id
        self._now = -math.inf
        self.taken = False  # whether the last observation given to `observe` counted

    @property
    def structured(self) -> bool:
        """Whether the agent has given structured signals (hooks, titles, OSC 7501)."""
        return bool(self._held) or self._worked

    @property
    def next_deadline(self) -> float | None:
        """When `poll` must be called next (None: nothing pending, no timer)."""
        own = [self._stands_from(h.observation) for h in self._held.values()]
        own.append(self._first_turn_until)
        claim = self._in_force()
        screen = self.screen
        if claim is not None and claim.claim is Claim.WORKING and screen.state is IDLE:
            own.append(max(claim.at, screen.since) + STALE_WORKING)
        resting = claim is not None and claim.claim in (Claim.IDLE, Claim.STOPPED)
        if resting and claim and screen.state is ACTIVE and screen.since > claim.at:
            own.append(screen.since + NEW_WORK)
        pending = [at for at in own if at > self._now]  # one that passed was judged already
        if screen.next_deadline is not None:
            pending.append(screen.next_deadline)
        return min(pending, default=None)

    # -- events ------------------------------------------------------------------------------

    def expect_turn(self, now: float) -> None:
        """The agent was launched with a prompt it will work on: until it says it started (a
        structured working claim; FIRST_TURN_WAIT at most, counted again from each startup
        dialog answered), the screen's quiet is no idle — CLIs take up to a minute to boot
        before they work."""
        self._first_turn_until = self._advance(now) + FIRST_TURN_WAIT

    def printed(self, text: str, now: float) -> Change | None:
        """The agent printed `text`; returns the change it made, if any."""
        now = self._advance(now)
        self.screen.on_output(text, now)
        for code, value in self._osc.feed(text):
            observation = from_terminal(code, value, now)
            if observation is not None:
                self._take(observation)
        return self._decide(now)

    def typed(self, data: str, now: float) -> Change | None:
        """The client sent `data` (the user's keys, or its terminal's replies)."""
        now = self._advance(now)
        asking = self.state is ASKING
        self.screen.on_input(data, now)
        data, _ = without_replies(data)  # the terminal's own replies answer nothing
        answer = answer_to(self.question, data) if asking and data else None
        if answer is not None:
            if self.screen.state is not ACTIVE or self.screen.reason != "input:answer":
                self.screen.answered(now)
            self._answered(now)
            if answer == "refused" and self._worked:  # the agent stops and waits for the user
                self._taken += 1
                refused = Observation(Claim.IDLE, "input:refused", now, "input", order=self._taken)
                self._held["input"] = _Held(refused, now)
                self._refused_at = self._rested_at = now
                self._rested_order = self._taken
            self._screen_asking = self.screen.state is ASKING  # this answer ended it
        elif self.state is ACTIVE and data in INTERRUPTS:
            self._interrupted_at = now
        elif "\r" in data:
            self._refused_at = -math.inf  # a new prompt: what follows is its work
        return self._decide(now)

    def resized(self, now: float) -> Change | None:
        now = self._advance(now)
        self.screen.on_resize(now)
        return self._decide(now)

    def observe(self, observation: Observation, now: float) -> Change | None:
        """A structured observation from outside the output stream (a hook call), dated by its
        source; one dated after `now` is taken as made now."""
        now = self._advance(now)
        if observation.at > now:
            observation = replace(observation, at=now)
        self.taken = self._take(observation)
        return self._decide(now)

    def poll(self, now: float) -> Change | None:
        """Runs what is due by `now` (the screen is judged: it has settled)."""
        now = self._advance(now)
        self.screen.poll(now)
        return self._decide(now, settled=True)

    # -- claims ------------------------------------------------------------------------------

    def _advance(self, now: float) -> float:
        self._now = max(now, self._now)
        return self._now

    def _take(self, observation: Observation) -> bool:
        """Records a source's claim; False when it changes nothing."""
        taken = self._claim(observation)
        if taken or observation.source != "title":  # a spinner's frames are not kept
            self.signals.append(Signal(observation, taken))
        return taken

    def _claim(self, observation: Observation) -> bool:
        if observation.at < self._answered_at:
            return False  # about a question the user has answered since
        held = self._held.get(observation.source)
        if held is not None and observation.at < held.last:
            return False  # late: this source already said something since
        if held is not None and held.observation.claim is observation.claim:
            held.last = observation.at
            return False  # the same claim again: it stands from when it was first made
        self._taken += 1
        observation = replace(observation, order=self._taken)
        if observation.claim in (Claim.IDLE, Claim.STOPPED) and self._worked:
            self._rested_at, self._rested_order = observation.at, observation.order
        before = held.observation if held is not None else None
        self._held[observation.source] = _Held(observation, observation.at, before)
        if observation.claim is Claim.WORKING:
            self._worked = True
            self._first_turn_until = -math.inf
        return True

    def _answered(self, now: float) -> None:
        """The question ended: every claim made before is void. An agent still to start on its
        first prompt boots on after a startup dialog, however long that stood open."""
        self._answered_at = now
        self._new_question = True
        self._held.clear()
        if not self._worked and self._first_turn_until > -math.inf:
            self._first_turn_until = now + FIRST_TURN_WAIT

    def _asking_held(self) -> _Held | None:
        asking = [h for h in self._held.values() if h.observation.claim is Claim.ASKING]
        return max(asking, key=lambda h: (h.observation.at, h.observation.order), default=None)

    def _in_force(self) -> Observation | None:
        """The claim in force (see the module doc), or None: the screen decides."""
        standing = (h.standing(self._stands_from, self._now) for h in self._held.values())
        held = [o for o in standing if o is not None]
        if not held:
            return None
        latest = max(held, key=lambda o: (o.at, o.order))
        if latest.claim is Claim.STOPPED:
            asking = self._asking_held()
            if asking is not None:
                return asking.observation
        if latest.claim in (Claim.IDLE, Claim.STOPPED) and not self._worked:
            return None
        return latest

    def _stands_from(self, claim: Observation) -> float:
        """When a claim comes into force: a stop once it stood STOP_SETTLE (unless it follows
        an interrupt: no dialog is coming); work claimed within STOP_SETTLE of an idle claim
        likewise (OpenCode says busy for a moment as a turn ends), and work claimed within
        REFUSAL_WINDOW of a refusal once it stood REFUSAL_SETTLE (Codex says it works for a
        moment as it cancels); anything else at once."""
        if claim.claim is Claim.STOPPED:
            interrupted = 0 <= claim.at - self._interrupted_at <= INTERRUPT_WINDOW
            return claim.at if interrupted else claim.at + STOP_SETTLE
        if claim.claim is Claim.WORKING:
            if 0 <= claim.at - self._refused_at <= REFUSAL_WINDOW:
                return claim.at + REFUSAL_SETTLE
            after_rest = (claim.at, claim.order) > (self._rested_at, self._rested_order)
            if after_rest and claim.at - self._rested_at < STOP_SETTLE:
                return claim.at + STOP_SETTLE
        return claim.at

    def _recheck(self, now: float, settled: bool) -> None:
        """Ends a question the screen shows has gone, and drops an asking claim the screen
        never confirmed once it shows new work (see the module doc)."""
        screen_asking = self.screen.state is ASKING
        if self._screen_asking and not screen_asking:
            self._answered(now)  # the prompt went away: answered, or withdrawn
        self._screen_asking = screen_asking
        held = self._asking_held()
        if held is None:
            return
        if screen_asking:
            held.confirmed = True
            return
        screen = self.screen
        worked = screen.state is ACTIVE and screen.since > held.observation.at
        if settled and worked and screen.reason == "output":
            self._held = {s: h for s, h in self._held.items() if h is not held}

    # -- the verdict -------------------------------------------------------------------------

    def _decide(self, now: float, settled: bool = False) -> Change | None:
        self._recheck(now, settled)
        claim = self._in_force()
        state, reason = self._verdict(claim, now)
        question = self._question(claim, settled) if state is ASKING else None
        unchanged = self.question is None if question is None else question.same(self.question)
        if state is self.state and unchanged:
            return None
        if question is not None:
            old = self.question if self.state is ASKING else None
            if old is None or self._new_question or _another(question, old):
                question = replace(question, id=self._new_id())
                self._new_question = False
            else:
                question = replace(question, id=old.id)
        self.state, self.reason, self.question = state, reason, question
        change = Change(state, reason, now, question)
        self.history.append(change)
        return change

    def _verdict(self, claim: Observation | None, now: float) -> tuple[ActivityState, str]:
        screen = self.screen
        if screen.state is ASKING:
            asking = claim is not None and claim.claim is Claim.ASKING
            return ASKING, claim.reason if asking and claim else screen.reason
        if claim is None:
            if screen.state is IDLE and now < self._first_turn_until:
                waiting = self.state if self.state is not ASKING else ACTIVE
                return waiting, self.reason if self.state is not ASKING else screen.reason
            return screen.state, screen.reason
        if claim.claim is Claim.ASKING:
            return ASKING, claim.reason
        if claim.claim is Claim.WORKING:
            stale = screen.state is IDLE and now >= max(claim.at, screen.since) + STALE_WORKING
            return (IDLE, screen.reason) if stale else (ACTIVE, claim.reason)
        new_work = screen.state is ACTIVE and screen.since > claim.at and screen.printing(now)
        if new_work and now >= screen.since + NEW_WORK:
            return ACTIVE, screen.reason
        return IDLE, claim.reason

    def _question(self, claim: Observation | None, settled: bool) -> Question:
        """The question asked: a structured one completed by the screen's menu, else the
        screen's. The screen is read when it has settled (or the asking just began), so a
        half-drawn menu does not change the question."""
        fresh = settled or self.state is not ASKING
        on_screen = self.screen.question() if fresh and self.screen.state is ASKING else None
        current = self.question if self.state is ASKING else None
        if claim is not None and claim.claim is Claim.ASKING and claim.question is not None:
            asked = claim.question
            if on_screen is not None:
                return asked.with_screen(on_screen)
            if current is not None and not _another(asked, current):
                return current  # keeps what the screen added while it showed the question
            return asked
        if on_screen is not None:
            return on_screen
        return current or Question("Input requested", "text", source="signal")


INTERRUPTS = ("\x1b", "\x03")  # a lone Esc, Ctrl-C
_HOTKEY = re.compile(r"\((\w)\)\s*$")


def answer_to(question: Question | None, data: str) -> str | None:
    """Whether keys typed while a question is open answer it: "refused" (Esc, or the key of a
    no-like choice: its number, its `(n)` hotkey), "answered" (Enter, or another choice's
    key), or None (typing, navigation)."""
    if data in INTERRUPTS:
        return "refused"
    choices = question.choices if question is not None else ()
    key = data.strip()
    chosen = None
    if len(key) == 1 and key.isdigit() and 1 <= int(key) <= len(choices):
        chosen = choices[int(key) - 1]
    elif len(key) == 1 and key.isalpha():
        keyed = [
            c for c in choices if (m := _HOTKEY.search(c)) and m.group(1).lower() == key.lower()
        ]
        chosen = keyed[0] if keyed else None
        if chosen is None and kind_of(choices) == "permission" and key.lower() in "yn":
            chosen = "No" if key.lower() == "n" else "Yes"
    if chosen is not None:
        return "refused" if is_refusal(chosen) else "answered"
    return "answered" if ANSWER.search(data) else None


def _another(new: Question, old: Question) -> bool:
    """Whether `new` is another question than `old`, not the same one completed by another
    source: a different tool or command, or different wording read off the screen twice."""
    if new.tool is not None and old.tool is not None:
        return (new.tool, new.command) != (old.tool, old.command)
    return new.source == "screen" and old.source == "screen" and new.text != old.text
