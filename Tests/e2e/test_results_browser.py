"""Results upload in a real browser: a refused file shows every problem with its row, nothing is
stored; the fixed file is accepted and the counts per school and class appear."""
import json
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import browser, login, shot  # noqa: F401  (fixture)
from test_results_cli import SPEC, workbook, ROWS


def test_specialist_uploads_fixes_and_uploads_again(demo_server, browser, datadir):  # noqa: F811
    base = demo_server.base
    spec = os.path.join(datadir, "spec.json")
    with open(spec, "w", encoding="utf-8") as f:
        json.dump(SPEC, f, ensure_ascii=False)
    login(browser, base, "specialist")
    browser.get(base + "/procedures")
    # The JSON import sits under «Загрузить готовую спецификацию (JSON)» beside the form (issue 11).
    browser.find_element(By.XPATH, "//summary[contains(., 'Загрузить готовую спецификацию')]").click()
    browser.find_element(By.ID, "spec").send_keys(spec)
    browser.find_element(By.CSS_SELECTOR, "form[action^='/procedures?_csrf='] button").click()
    WebDriverWait(browser, 15).until(lambda d: "/procedures/" in d.current_url)
    assert "ВПР 2026 · Математика · 4 класс" in browser.find_element(By.TAG_NAME, "h1").text

    broken = [r[:] for r in ROWS]
    broken[1][9] = 7
    path = os.path.join(datadir, "район.xlsx")
    workbook(path, broken)
    browser.find_element(By.ID, "file").send_keys(path)
    browser.find_element(By.CSS_SELECTOR, "form[data-progress] button").click()
    WebDriverWait(browser, 20).until(lambda d: "Файл не принят" in d.page_source)
    items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.errors li")]
    assert any("строка 8" in t and "балл 7 за задание 3.1 больше максимального (1)" in t for t in items), items
    assert browser.find_element(By.LINK_TEXT, "Скачать список ошибок").get_attribute("download") == "ошибки.txt"
    shot(browser, "10-upload-refused")

    browser.find_element(By.LINK_TEXT, "К процедуре").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "file"))
    workbook(path, ROWS)
    browser.find_element(By.ID, "file").send_keys(path)
    browser.find_element(By.CSS_SELECTOR, "form[data-progress] button").click()
    WebDriverWait(browser, 20).until(lambda d: "принят: работ 3" in d.page_source)
    rows = [tr.text for tr in browser.find_elements(By.XPATH, "//h2[text()='Поступившие работы']/following-sibling::div[1]//tbody/tr")]
    assert any("МБОУ «Зырянская СОШ»" in r and "4А" in r and " 2 " in f" {r} " for r in rows), rows
    assert any("МОУ «Михайловская СОШ»" in r and "4Б" in r for r in rows), rows
    shot(browser, "11-upload-accepted")
