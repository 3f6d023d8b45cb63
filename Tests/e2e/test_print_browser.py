"""Pages a specialist takes to a meeting print on A4 from the browser: the analysis of a school is
landscape, every column of its tables is on paper (nothing clipped behind a scroll bar), tables
break between rows with their header repeated, and no heading is left alone at a page's foot."""
import base64
import os
import re
import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import browser, login, SHOTS  # noqa: F401  (fixture)


def print_pdf(browser, path):
    opts = PrintOptions()
    opts.background = True
    with open(path, "wb") as f:
        f.write(base64.b64decode(browser.print_page(opts)))
    pages = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    return [p for p in pages if p.strip()]


def page_size(path):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(w), float(h)


def open_analysis(browser, base, school=None):
    browser.get(base + "/procedures")
    browser.find_element(By.PARTIAL_LINK_TEXT, "ВПР 2026 · Математика · 4 класс").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.LINK_TEXT, "Анализ результатов"))
    url = browser.find_element(By.LINK_TEXT, "Анализ результатов").get_attribute("href")
    browser.get(url + (f"/schools/{school}" if school else ""))


def test_analysis_prints_on_landscape_a4_without_clipped_columns(demo_server, browser, datadir):  # noqa: F811
    base = demo_server.base
    login(browser, base, "specialist")
    open_analysis(browser, base, "edu700102")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table")[0].find_elements(By.CSS_SELECTOR, "th")]
    assert "Средняя отметка" in headers, headers
    pdf = os.path.join(datadir, "analysis.pdf")
    pages = print_pdf(browser, pdf)
    w, h = page_size(pdf)
    assert w > h, f"landscape A4 expected, got {w} x {h}"
    text = "\n".join(pages)
    for column in headers:
        assert column.replace("\n", " ").split(" ")[0] in text, f"column «{column}» lost on paper"
    assert "Средняя отметка" in text and "Средний балл" in text
    # No page ends with a heading: each page's last non-empty line is not an h2 of the page.
    headings = {h.text.strip() for h in browser.find_elements(By.TAG_NAME, "h2")}
    for i, p in enumerate(pages[:-1]):
        last = [l.strip() for l in p.splitlines() if l.strip()][-1]
        assert last not in headings, f"page {i + 1} ends with the heading «{last}»"
    # The long tables break between rows, repeating their header.
    assert sum(p.count("Задание") for p in pages) >= 2
    if SHOTS:
        subprocess.run(["pdftoppm", "-r", "50", "-png", pdf, os.path.join(SHOTS, "50-print-analysis")], check=True)


def test_district_analysis_prints_its_schools_table_whole(demo_server, browser, datadir):  # noqa: F811
    base = demo_server.base
    login(browser, base, "specialist")
    open_analysis(browser, base)
    pdf = os.path.join(datadir, "district.pdf")
    text = "\n".join(print_pdf(browser, pdf))
    for school in ["Зырянская СОШ", "Михайловская СОШ"]:
        assert school in text
    assert "Средняя отметка" in text
    assert "scroll" not in text.lower()
