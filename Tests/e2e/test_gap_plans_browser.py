"""The work on the gaps in a real browser (issue 13): the head opens a class's gaps and drafts its
plan, the teacher puts an item into work, a re-diagnosis is entered (per requirement), the item
closes as eliminated, and the specialist's district view shows it; the plan downloads as DOCX
that python-docx opens and LibreOffice converts."""
import os
import re
import shutil
import subprocess
import urllib.request

import docx
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_browser import browser, click_and_wait, login, logout, shot, submit  # noqa: F401  (fixture)


def test_head_drafts_teacher_works_rediagnosis_closes_district_sees(demo_server, browser, datadir):  # noqa: F811
    base = demo_server.base
    login(browser, base, "head-zyr")
    browser.get(base + "/procedures")
    browser.find_element(By.PARTIAL_LINK_TEXT, "ВПР 2026 · Русский язык · 4 класс").click()
    procedure = re.search(r"/procedures/([0-9A-F-]{36})", browser.current_url).group(1)
    browser.get(base + f"/procedures/{procedure}/gaps/schools/edu700101")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "4А"))
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Составить план ликвидации пробелов']"), "План составлен из пробелов класса")
    plan = browser.current_url.split("#")[0]
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr[id^=item-]")
    assert rows, "the plan has items"
    first_code = rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(2) b").text
    shot(browser, "50-head-plan")
    logout(browser)

    # The teacher (the class's own, responsible for its items) puts the first item into work.
    login(browser, base, "teacher")
    browser.get(plan)
    browser.find_element(By.CSS_SELECTOR, "#edit-i1 summary").click()
    Select(browser.find_element(By.ID, "status-i1")).select_by_value("in_work")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить пункт 1']"), "сохранён: в работе")
    # Closing before a re-diagnosis is refused.
    browser.find_element(By.CSS_SELECTOR, "#edit-i1 summary").click()
    Select(browser.find_element(By.ID, "status-i1")).select_by_value("closed")
    Select(browser.find_element(By.ID, "outcome-i1")).select_by_value("eliminated")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить пункт 1']"), "нельзя закрыть без результата повторной диагностики")

    # The re-diagnosis, per requirement: every student concerned has mastered the first one.
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Провести повторную диагностику"))
    browser.find_element(By.ID, "mode-req").click()
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Создать и перейти к результатам']"), "Повторная диагностика создана")
    grid = browser.find_elements(By.CSS_SELECTOR, "form table tbody tr")
    assert grid
    for row in grid:
        Select(row.find_elements(By.TAG_NAME, "select")[0]).select_by_value("1")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить результаты']"), "Результаты сохранены")
    before_after = browser.find_elements(By.CSS_SELECTOR, "table")[0]
    first = before_after.find_elements(By.CSS_SELECTOR, "tbody tr")[0].find_elements(By.TAG_NAME, "td")
    assert first[0].text.startswith(first_code) and first[3].text == "0", [c.text for c in first]
    shot(browser, "51-rediagnosis")
    browser.get(plan)
    browser.find_element(By.CSS_SELECTOR, "#edit-i1 summary").click()
    assert "Повторная диагностика проведена: устранён" in browser.page_source
    Select(browser.find_element(By.ID, "status-i1")).select_by_value("closed")
    Select(browser.find_element(By.ID, "outcome-i1")).select_by_value("eliminated")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить пункт 1']"), "сохранён: закрыт, устранён")
    logout(browser)

    # The district: the school's new plan with its eliminated deficit.
    login(browser, base, "specialist")
    browser.get(base + "/gap-plans")
    assert "Михайловская" in browser.page_source and "не рейтинг" in browser.page_source
    shot(browser, "52-district-gaps")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Зырянская"))
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr") if "Русский язык" in r.text)
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    # Класс, Процедура, Пунктов, В работе, Повторная диагностика, Закрыто, Устранено, Просрочено, Маршрутов.
    assert cells[0] == "4А" and cells[5] == "1" and cells[6] == "1", cells
    href = row.find_element(By.LINK_TEXT, "4А").get_attribute("href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(href + "/plan.docx", headers={"Cookie": cookie}), timeout=30) as r:
        body = r.read()
    path = os.path.join(datadir, "план.docx")
    with open(path, "wb") as f:
        f.write(body)
    d = docx.Document(path)
    text = "\n".join(p.text for p in d.paragraphs)
    assert "План ликвидации пробелов в знаниях обучающихся 4А класса" in text
    cells = " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert first_code in cells and "устранён" in cells
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/test.sh"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", datadir, path], check=True, timeout=180,
                   capture_output=True, env={**os.environ, "HOME": datadir})
    assert os.path.getsize(os.path.join(datadir, "план.pdf")) > 5000
