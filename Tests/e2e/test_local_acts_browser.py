"""Local acts (issue 17) in a real browser: a head uploads a new Положение о ВСОКО, the specialist
reviews it with the checklist and returns a comment, the head answers and adopts the act; the
district's view shows it adopted."""
import datetime
import os

import docx
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_browser import browser, click_and_wait, login, logout, shot  # noqa: F401  (fixture)


def submit(driver, form):
    click_and_wait(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def test_head_carries_vsoko_through_review_to_adoption(demo_server, browser, datadir):  # noqa: F811
    d, base = browser, demo_server.base
    act = os.path.join(datadir, "Положение о ВСОКО.docx")
    document = docx.Document()
    document.add_heading("Положение о внутренней системе оценки качества образования", 0)
    document.add_paragraph("Редакция 2025 года: ВПР, независимые наблюдатели, перепроверка.")
    document.save(act)

    login(d, base, "head-zyr")
    click_and_wait(d, d.find_element(By.LINK_TEXT, "Локальные акты (1.6)"))
    row = next(r for r in d.find_elements(By.CSS_SELECTOR, "tr") if "ВСОКО" in r.text)
    assert "не обновлён" in row.text
    form = d.find_element(By.CSS_SELECTOR, "#upload form")
    Select(form.find_element(By.NAME, "act")).select_by_value("vsoko")
    form.find_element(By.NAME, "file").send_keys(act)
    form.find_element(By.NAME, "changes").send_keys("Добавлены ВПР, наблюдатели и перепроверка")
    form.find_element(By.NAME, "citations").send_keys("Федеральный закон «Об образовании в Российской Федерации» | 273-ФЗ | 29.12.2012")
    submit(d, form)
    assert "отправлена на согласование" in d.page_source
    version = d.current_url
    shot(d, "70-local-act-sent")
    logout(d)

    login(d, base, "specialist")
    d.get(base + "/local-acts")
    waiting = d.find_element(By.XPATH, "//h2[text()='Ждут рассмотрения']/following-sibling::*[1]")
    assert "Зырянская СОШ" in waiting.text
    d.get(version)
    form = d.find_element(By.CSS_SELECTOR, "#review form")
    radios = form.find_elements(By.CSS_SELECTOR, "input[type=radio][value=yes]")
    for r in radios:
        r.click()
    form.find_element(By.CSS_SELECTOR, "input[name=verdict1][value=no]").click()
    form.find_element(By.NAME, "remark1").send_keys("Не указана перепроверка работ муниципальной комиссией.")
    form.find_element(By.NAME, "comment").send_keys("Дополните раздел об объективности.")
    form.find_element(By.CSS_SELECTOR, "input[name=decision][value=returned]").click()
    shot(d, "71-local-act-review")
    submit(d, form)
    assert "возвращена с замечаниями" in d.page_source
    logout(d)

    login(d, base, "head-zyr")
    d.get(version)
    assert "Не указана перепроверка работ муниципальной комиссией." in d.page_source
    form = d.find_element(By.CSS_SELECTOR, "#answer form")
    form.find_element(By.NAME, "answer").send_keys("Раздел 4 дополнен: перепроверка работ муниципальной комиссией.")
    submit(d, form)
    # The chain dated today: a date the review window has always begun by.
    today = datetime.date.today()
    form = d.find_element(By.CSS_SELECTOR, "form.grid-form")
    for name in ("pedsovetDate", "councilDate", "orderDate"):
        d.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), today.isoformat())
    form.find_element(By.NAME, "pedsovetProtocol").send_keys("3")
    form.find_element(By.NAME, "orderNumber").send_keys("5-од")
    submit(d, form)
    assert f"Принят приказом № 5-од от {today:%d.%m.%Y}" in d.page_source, d.find_element(By.TAG_NAME, "main").text[:600]
    shot(d, "72-local-act-adopted")
    logout(d)

    login(d, base, "specialist")
    d.get(base + "/local-acts")
    row = next(r for r in d.find_elements(By.CSS_SELECTOR, "table.local-acts tr") if "Зырянская СОШ»" in r.text and "№ 2" not in r.text)
    first = row.find_elements(By.CSS_SELECTOR, "td")[1]
    assert "принят" in first.text and "ред. 2" in first.text, first.text
    shot(d, "73-local-acts-district")
