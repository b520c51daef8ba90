"""A realistic HiDPI screenshot for the image tests: a 3840x2160 PNG of several megabytes."""

from __future__ import annotations

from playwright.sync_api import Browser

# A desktop with a photo-like background (fractal noise, as a photo compresses: badly as PNG,
# well as WebP or JPEG) and a window of code text over it, shot at device scale 2.
DESKTOP_PAGE = """<!doctype html><html><body style="margin:0">
<svg width="1920" height="1080" style="position:fixed;inset:0">
  <filter id="photo"><feTurbulence type="fractalNoise" baseFrequency="0.012" numOctaves="6"
    seed="7"/><feColorMatrix values="0.9 0.3 0 0 0  0.2 0.7 0.2 0 0  0 0.3 0.9 0 0  0 0 0 0 1"/>
  </filter>
  <rect width="100%" height="100%" filter="url(#photo)"/>
</svg>
<pre style="position:fixed;left:160px;top:120px;width:1100px;height:760px;margin:0;padding:16px;
  overflow:hidden;background:#0d1117ee;color:#c9d1d9;font:13px/1.45 monospace;border-radius:8px">
{code}</pre></body></html>"""


def hidpi_screenshot(browser: Browser, code: str) -> bytes:
    """A 3840x2160 PNG screenshot (device scale 2) of a desktop showing `code` in a window."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.set_content(DESKTOP_PAGE.replace("{code}", code.replace("<", "&lt;")))
        return page.screenshot(type="png")
    finally:
        context.close()
