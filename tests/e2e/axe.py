"""The automated accessibility check: axe-core (from web/node_modules) run on a page, WCAG 2.1
A and AA rules — colour contrast of all text (4.5:1) included."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.harness import ROOT

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations on the page as it is now (the context needs bypass_csp)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN)
    return found


def assert_accessible(page: Page, where: str) -> None:
    found = violations(page)
    lines = [f"{v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found]
    assert not found, f"{where}: " + "\n".join(lines)
