"""A class's result sheets print one per page (issue 14 §1): the teacher opens the batch from the
class's gaps page and prints it; the PDF has as many pages as the class has works."""
import base64
import re

from selenium.webdriver.common.by import By

from test_browser import browser, click_and_wait, login, shot  # noqa: F401  (fixture)


def test_teacher_prints_the_class_batch_one_sheet_per_page(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "teacher")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr") if "Математика · 4 класс" in r.text)
    click_and_wait(browser, row.find_element(By.LINK_TEXT, "Пробелы"))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Листы результатов"))
    sheets = browser.find_elements(By.CSS_SELECTOR, "section.sheet")
    assert len(sheets) == 7
    assert "ФИО в msoko не хранятся" in browser.page_source
    shot(browser, "60-sheets")
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == len(sheets), pages
