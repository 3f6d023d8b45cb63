"""Open information (issue 18) in a real browser: a parent with no account finds on a phone when
their child's school writes ВПР, how it was observed and how the district did, also in the version
for the visually impaired; the accessibility of every public page is checked from the computed
styles (axe-core is not reachable here; the checks are written out below); a school's website
frames the block, and no other page can be framed."""
import datetime
import http.server
import os
import re
import threading

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains

from conftest import free_port
from test_browser import browser, click_and_wait, login, logout, shot, submit  # noqa: F401  (fixture)

# Contrast, labels, headings, images, computed in the page. WCAG 2 relative luminance; the
# background is the first opaque one up the tree; large text (≥ 24 px, or ≥ 18.66 px bold) needs 3:1.
AUDIT_JS = r"""
function rgb(s) { const m = s.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/); return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null; }
function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); }
function bg(el) { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c && c[3] > 0.5) return c; } return [255, 255, 255, 1]; }
const problems = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('svg')) continue;
  const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const st = getComputedStyle(el); const r = el.getBoundingClientRect();
  if (st.visibility === 'hidden' || st.display === 'none' || r.width < 2 || r.height < 2 || el.closest('.sr-only,.skip')) continue;
  const fg = rgb(st.color), b = bg(el); const l1 = lum(fg), l2 = lum(b);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
  const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
  if (ratio < need) problems.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ': ' + el.tagName + ' «' + el.textContent.trim().slice(0, 40) + '»');
}
for (const c of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  const labelled = (c.id && document.querySelector('label[for="' + c.id + '"]')) || c.closest('label') || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
  if (!labelled) problems.push('unlabelled control ' + c.tagName + ' ' + (c.name || ''));
}
for (const a of document.querySelectorAll('a, button')) {
  if (!(a.textContent.trim() || a.getAttribute('aria-label'))) problems.push('control without text ' + a.outerHTML.slice(0, 80));
}
for (const i of document.querySelectorAll('img')) if (!i.hasAttribute('alt')) problems.push('image without alt ' + i.src);
for (const s of document.querySelectorAll('svg')) if (!s.closest('[aria-hidden=true]') && !s.getAttribute('aria-label') && !s.querySelector('title')) problems.push('svg without a text alternative');
const hs = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1]);
if (hs.filter(h => h === 1).length !== 1) problems.push('h1 count ' + hs.filter(h => h === 1).length);
for (let i = 1; i < hs.length; i++) if (hs[i] > hs[i - 1] + 1) problems.push('heading h' + hs[i - 1] + ' → h' + hs[i]);
if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) problems.push('horizontal scroll: ' + document.documentElement.scrollWidth + ' > ' + document.documentElement.clientWidth);
if (!document.documentElement.lang) problems.push('no lang');
return problems;
"""

FOCUS_JS = r"""
const e = document.activeElement; if (!e || e === document.body) return null;
const st = getComputedStyle(e);
return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30), outline: parseFloat(st.outlineWidth) > 0 && st.outlineStyle !== 'none', shadow: st.boxShadow !== 'none'};
"""


def audit(browser, where):
    problems = browser.execute_script(AUDIT_JS)
    assert problems == [], f"{where}: {problems}"


def focus_is_visible(browser, where, steps=12):
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    seen = 0
    for _ in range(steps):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        f = browser.execute_script(FOCUS_JS)
        if f is None:
            continue
        seen += 1
        assert f["outline"] or f["shadow"], f"{where}: focus not visible on {f}"
    assert seen >= 5, f"{where}: the keyboard reaches the links"


def public_pages(browser, base):
    browser.get(base + "/public")
    pages = ["/public", "/public/schedule?period=all", "/public/results", "/public/documents", "/public/news"]
    school = re.search(r'href="(/public/schools/edu700101)"', browser.page_source).group(1)
    return pages + [school]


def test_a_parent_finds_dates_observation_and_results_on_a_phone(demo_server, browser):  # noqa: F811
    base = demo_server.base
    # The school's head puts the next sitting of 4А on the calendar, two weeks ahead.
    login(browser, base, "head-zyr")
    browser.get(base + "/procedures")
    link = browser.find_element(By.XPATH, "//a[contains(., 'ВПР 2026') and contains(., 'Математика') and contains(., '4 класс')]")
    click_and_wait(browser, link)
    day = datetime.date.today() + datetime.timedelta(days=14)
    browser.find_element(By.ID, "pclass").send_keys("4А")
    browser.execute_script("document.getElementById('pdate').value = arguments[0]", day.isoformat())
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить дату']"), "Дата сохранена")
    logout(browser)

    # A parent on a phone: the district's page, the school's page with the date.
    browser.set_window_size(390, 860)
    browser.get(base + "/public")
    assert "Оценка качества образования: Зырянский район" in browser.page_source
    assert day.strftime("%d.%m.%Y") in browser.page_source, "the coming sitting is on the district's page at once"
    shot(browser, "90-public-phone")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "МБОУ «Зырянская СОШ»"))
    page = browser.page_source
    assert day.strftime("%d.%m.%Y") in page and "4А" in page
    assert "Наблюдение за проведением" in page and "Результаты школы" in page
    shot(browser, "91-public-school-phone")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Результаты"))
    assert "Распределение отметок" in browser.page_source
    assert "Зырянская СОШ" not in browser.find_element(By.ID, "main").text, "the district's results name no school"

    # The version for the visually impaired: very large text, white on black, kept across pages.
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Версия для слабовидящих"))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a[aria-label='Размер шрифта: очень крупный']"))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a[aria-label='Цветовая схема: белым по чёрному']"))
    browser.get(base + "/public/schedule?period=all")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("class") == "pub size-2 scheme-wb"
    assert float(browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")) >= 25
    shot(browser, "92-public-schedule-large-phone")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Обычная версия сайта"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("class") == "pub size-0 scheme-normal"


def test_every_public_page_passes_the_accessibility_checks(demo_server, browser):  # noqa: F811
    base = demo_server.base
    pages = public_pages(browser, base)
    views = [("0", "normal"), ("1", "bw"), ("2", "wb"), ("1", "blue")]
    for size, scheme in views:
        browser.get(base + f"/public/view?size={size}&scheme={scheme}&back=/public")
        for width in (1280, 640, 390):  # 640 CSS pixels: a 1280-pixel screen at 200 % zoom
            browser.set_window_size(width, 900)
            for path in pages:
                browser.get(base + path)
                audit(browser, f"{path} at {width}px, view {size}-{scheme}")
        browser.set_window_size(1280, 900)
        browser.get(base + "/public")
        focus_is_visible(browser, f"/public, view {size}-{scheme}")
        if scheme != "normal":
            shot(browser, f"93-public-{scheme}")
    browser.get(base + "/public/view?size=0&scheme=normal&back=/public/results")
    shot(browser, "94-public-results")


class _Site(http.server.SimpleHTTPRequestHandler):
    page = b""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_a_schools_website_frames_the_block_and_nothing_else(demo_server, browser):  # noqa: F811
    base = demo_server.base
    port = free_port()
    origin = f"http://localhost:{port}"
    # The head lists the school's site and copies the block's code.
    login(browser, base, "head-zyr")
    browser.get(base + "/publication")
    field = browser.find_element(By.ID, "origins-edu700101")
    field.clear()
    field.send_keys(origin)
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить адреса']"), "Адреса сохранены")
    snippet = browser.find_element(By.ID, "snippet-edu700101").get_attribute("value")
    assert snippet.startswith("<iframe src=") and "/public/schools/edu700101/embed" in snippet
    logout(browser)

    # The school's website (another origin) with the block and, for contrast, a frame of another page.
    _Site.page = f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Сайт школы</title></head>
    <body><h1>Сайт школы</h1>{snippet}<iframe id="other" src="{base}/public/results" title="не блок"></iframe></body></html>""".encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser.get(origin + "/")
        frames = browser.find_elements(By.TAG_NAME, "iframe")
        browser.switch_to.frame(frames[0])
        assert "Оценочные процедуры: МБОУ «Зырянская СОШ»" in browser.page_source
        assert browser.find_element(By.LINK_TEXT, "График, наблюдение и документы школы")
        browser.switch_to.default_content()
        shot(browser, "95-school-site-block")
        browser.switch_to.frame(browser.find_element(By.ID, "other"))
        assert "Распределение отметок" not in browser.page_source, "another public page must not be framed"
        browser.switch_to.default_content()
    finally:
        server.shutdown()
