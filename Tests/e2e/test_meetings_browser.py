"""Meetings and the loop in a real browser (issue 15 §6): a specialist holds the January heads'
meeting from the pre-filled agenda, records two decisions and drafts the order (python-docx reads
it, LibreOffice converts it); a head reports one as done; the loop page shows it, and after the
next procedure's results its measured effect. The personal calendar feed is read by `icalendar`."""
import io
import json
import os
import re
import shutil
import subprocess
import urllib.request

import docx
import icalendar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser import browser, click_and_wait, fetch, login, logout, shot, submit  # noqa: F401  (fixture)


def test_january_meeting_decisions_report_and_loop(demo_server, browser, datadir):  # noqa: F811
    base = demo_server.base
    login(browser, base, "specialist")
    browser.get(base + "/meetings/new?kind=headsMeeting")
    title = browser.find_element(By.ID, "title")
    title.clear()
    title.send_keys("Об объективности ВПР 2026 и исполнении решений")
    date = browser.find_element(By.ID, "date")
    date.clear()
    date.send_keys("27.01.2027")
    number = browser.find_element(By.ID, "number")
    number.send_keys("1")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Создать заседание']"), "Заседание создано.")
    meeting = browser.current_url.split("#")[0]
    page = browser.page_source
    # The agenda opens with earlier open decisions, then one item per school with signs.
    assert "1. О ходе исполнения ранее принятых решений" in page
    assert "Об объективности результатов оценочных процедур в" in page
    shot(browser, "70-meeting-prefilled")

    # A school's own item about its results, with two decisions on it.
    browser.find_element(By.XPATH, "//summary[text()='Добавить вопрос в повестку']").click()
    browser.find_element(By.ID, "title-new").send_keys("О результатах ВПР 2026 по русскому языку в МОУ «Михайловская СОШ»")
    Select(browser.find_element(By.ID, "school-new")).select_by_visible_text("МОУ «Михайловская СОШ»")
    Select(browser.find_element(By.ID, "link-new")).select_by_visible_text("Анализ результатов: ВПР 2026 · Русский язык · 4 класс")
    browser.find_element(By.ID, "decided-new").send_keys("Поручить школе разработать меры.")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Добавить вопрос']"), "добавлен в повестку")
    section = browser.find_element(By.XPATH, "//section[h3[contains(., 'О результатах ВПР 2026 по русскому языку')]]")
    item = section.get_attribute("id").removeprefix("item-")
    for text, owner, deadline in [("Провести педагогический совет по итогам ВПР по русскому языку", "МОУ «Михайловская СОШ»", "20.02.2027"),
                                  ("Организовать методическую помощь учителям начальных классов", "Управление образования", "01.03.2027")]:
        section = browser.find_element(By.ID, f"item-{item}")
        section.find_element(By.XPATH, ".//summary[text()='Записать решение по вопросу']").click()
        section.find_element(By.ID, f"dtext-{item}").send_keys(text)
        Select(section.find_element(By.ID, f"downer-{item}")).select_by_visible_text(owner)
        section.find_element(By.ID, f"ddl-{item}").send_keys(deadline)
        submit(browser, section.find_element(By.XPATH, ".//button[text()='Записать решение']"), "Решение записано в реестр")
    shot(browser, "71-meeting-decisions")

    # The order drafted from the decisions.
    order = os.path.join(datadir, "приказ.docx")
    with open(order, "wb") as f:
        f.write(fetch(browser, meeting + "/order.docx"))
    text = "\n".join(p.text for p in docx.Document(order).paragraphs)
    assert "ПРИКАЗЫВАЮ:" in text
    assert "Провести педагогический совет по итогам ВПР по русскому языку. Ответственный: МОУ «Михайловская СОШ». Срок: до 20.02.2027." in text
    assert re.search(r"\d+\. Контроль за исполнением приказа возложить на", text)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", datadir, order], check=True, timeout=180,
                   capture_output=True, env={**os.environ, "HOME": datadir})
    assert os.path.getsize(os.path.join(datadir, "приказ.pdf")) > 1000
    protocol = "\n".join(p.text for p in docx.Document(io.BytesIO(fetch(browser, meeting + "/protocol.docx"))).paragraphs)
    assert "ПОВЕСТКА ДНЯ:" in protocol and "РЕШИЛИ: Поручить школе разработать меры." in protocol

    # The loop: measured when the decision was taken, not yet after.
    browser.get(base + "/schools")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Михайловская"))
    school = re.search(r"/schools/([0-9A-F-]{36})", browser.current_url).group(1)
    browser.get(base + f"/loop/schools/{school}")
    assert "Провести педагогический совет по итогам ВПР по русскому языку" in browser.page_source
    assert "ещё не измерено" in browser.page_source
    logout(browser)

    # The head of that school finds it in «Мои задачи» and reports it done.
    login(browser, base, "head-mih")
    browser.get(base + "/tasks")
    click_and_wait(browser, browser.find_element(By.XPATH, "//tr[td[contains(., 'Провести педагогический совет по итогам ВПР')]]//a[text()='Отчитаться']"))
    browser.find_element(By.ID, "report").send_keys("Педсовет проведён 12.02.2027, протокол № 4; план мер утверждён.")
    Select(browser.find_element(By.ID, "state")).select_by_visible_text("выполнено")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Сохранить отчёт']"), "Отчёт сохранён: выполнено")
    shot(browser, "72-head-reported")
    logout(browser)

    # The next procedure's results: ВПР 2027 with the same specification, the same works uploaded.
    login(browser, base, "specialist")
    procedures = json.loads(fetch(browser, base + "/api/v1/procedures"))["procedures"]
    p2026 = next(p for p in procedures if p["subject"] == "Русский язык" and p["grade"] == 4 and p["year"] == 2026)
    spec = json.loads(fetch(browser, base + f"/procedures/{p2026['id']}/spec.json"))
    spec["year"] = 2027
    spec_path = os.path.join(datadir, "spec2027.json")
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    results = fetch(browser, base + f"/procedures/{p2026['id']}/export/csv").decode("utf-8-sig").replace("ВПР 2026", "ВПР 2027", 1)
    results_path = os.path.join(datadir, "впр2027.csv")
    with open(results_path, "w", encoding="utf-8") as f:
        f.write(results)
    browser.get(base + "/procedures")
    browser.find_element(By.XPATH, "//summary[contains(., 'Загрузить готовую спецификацию')]").click()
    browser.find_element(By.ID, "spec").send_keys(spec_path)
    browser.find_element(By.CSS_SELECTOR, "form[action^='/procedures?_csrf='] button").click()
    WebDriverWait(browser, 15).until(lambda d: "/procedures/" in d.current_url)
    browser.find_element(By.ID, "file").send_keys(results_path)
    browser.find_element(By.CSS_SELECTOR, "form[data-progress] button").click()
    WebDriverWait(browser, 60).until(lambda d: "принят: работ" in d.page_source)

    browser.get(base + f"/loop/schools/{school}")
    page = browser.page_source
    assert "ВПР 2027 · Русский язык · 4 класс: выполнение" in page
    # The same works a year later: completion unchanged.
    assert ">без изменений</span>" in page
    shot(browser, "73-loop-measured")
    browser.get(base + "/loop")
    assert "Анализ эффективности принятых мер" in browser.page_source

    # The personal calendar feed, read as a phone would.
    browser.get(base + "/calendar/feed")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Получить ссылку']"), "Ваша ссылка")
    address = browser.find_element(By.CSS_SELECTOR, "input[aria-label='Ссылка на календарь']").get_attribute("value")
    with urllib.request.urlopen(address, timeout=30) as r:
        assert r.headers.get_content_type() == "text/calendar"
        cal = icalendar.Calendar.from_ical(r.read())
    events = [c for c in cal.walk("VEVENT")]
    summaries = [str(e.get("summary")) for e in events]
    assert any("Об объективности ВПР 2026 и исполнении решений" in s for s in summaries), summaries
    assert any(s.startswith("Срок: Организовать методическую помощь") for s in summaries), summaries
    january = next(e for e in events if "Об объективности ВПР 2026 и исполнении решений" in str(e.get("summary")))
    assert january.decoded("dtstart").isoformat() == "2027-01-27T03:00:00+00:00"
