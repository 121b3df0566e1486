"""The browser the HTML tests use (issues 16, 17): chromium runs the page's scripts and draws it."""

from __future__ import annotations

from pathlib import Path

from support import browser_dom, browser_screenshot


def test_the_dom_is_read_after_the_page_script_ran(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><p id=p>before</p>"
                    "<script>document.getElementById('p').textContent = 'after'</script>", encoding="utf-8")
    dom = browser_dom(page)
    assert '<p id="p">after</p>' in dom


def test_a_screenshot_is_a_png_of_the_asked_size(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><body style='background:#123456'>x</body>", encoding="utf-8")
    png = browser_screenshot(page, tmp_path / "shot.png", width=390, height=300)
    data = png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (390, 300)
