"""Professional competence in a real browser (issue 16 §5): the specialist sees who is due for
courses, loads a staff list (a broken one first: nothing stored, rows named), reads the coverage
and downloads the PD report (python-docx and openpyxl open it); a methodist attaches an
association's recommendation to a class's gap plan item, and the school's head sees it there."""
import io
import os

import docx
import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_browser import browser, click_and_wait, fetch, login, logout, shot, submit  # noqa: F401  (fixture)


def test_specialist_sees_who_is_due_and_loads_the_staff_list(demo_server, browser, datadir):  # noqa: F811
    base = demo_server.base
    login(browser, base, "specialist")
    browser.get(base + "/staff")
    assert "Кадры и курсы повышения квалификации" in browser.page_source
    shot(browser, "80-staff")
    # Who is overdue: the tile filters the list.
    click_and_wait(browser, browser.find_element(By.XPATH, "//a[contains(@class,'stat')][.//div[text()='срок прошёл']]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert rows, "someone is overdue in the demo"
    assert all("срок прошёл" in r.text for r in rows)

    # A broken list: every problem named by row, nothing stored.
    broken = os.path.join(datadir, "кадры.csv")
    with open(broken, "w", encoding="utf-8") as f:
        f.write("ФИО;Должность;ОО;Предметы\nНовикова Ирина Сергеевна;учитель химии;edu700101;Химия\n;учитель;edu700101;\nГусев Артём Олегович;учитель;edu799999;Физика\n")
    browser.get(base + "/staff")
    browser.find_element(By.ID, "s-file").send_keys(broken)
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Загрузить']"), "Ничего не сохранено")
    page = browser.page_source
    assert "строка 3, столбец «ФИО»: не заполнено." in page
    assert "строка 4, столбец «ОО»: «edu799999»" in page
    assert "Новикова Ирина Сергеевна" not in browser.find_element(By.CSS_SELECTOR, "table").text
    good = os.path.join(datadir, "кадры-исправлено.csv")
    with open(good, "w", encoding="utf-8") as f:
        f.write("ФИО;Должность;ОО;Предметы\nНовикова Ирина Сергеевна;учитель химии;edu700101;Химия, Биология\n")
    browser.find_element(By.ID, "s-file").send_keys(good)
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Загрузить']"), "Список работников принят: добавлено 1")
    assert "Новикова Ирина Сергеевна" in browser.page_source
    assert "курсов нет" in browser.page_source

    # Coverage by school and direction, and the PD report.
    browser.get(base + "/staff/coverage")
    assert "Охват курсами повышения квалификации" in browser.page_source
    assert "<svg" in browser.page_source
    shot(browser, "81-staff-coverage")
    report = docx.Document(io.BytesIO(fetch(browser, base + "/staff/report.docx")))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Отчёт о повышении квалификации" in text
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    assert "Новикова Ирина Сергеевна" in cells, "who needs a course is listed"
    book = openpyxl.load_workbook(io.BytesIO(fetch(browser, base + "/staff/report.xlsx")))
    sheet = book[book.sheetnames[0]]
    assert any(row[0] == "Итого" for row in sheet.iter_rows(values_only=True))

    # A phone: the list fits the width.
    browser.set_window_size(390, 844)
    browser.get(base + "/staff")
    shot(browser, "82-staff-phone")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400


def test_methodist_attaches_a_recommendation_to_a_gap_plan_item(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "methodist")
    browser.get(base + "/associations")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "РМО учителей математики"))
    assert "План заседаний" in browser.page_source
    shot(browser, "83-association")
    # The class plan of Зырянская СОШ 4А, from the district's view of the plans.
    browser.get(base + "/gap-plans")
    click_and_wait(browser, browser.find_element(By.XPATH, "//a[contains(., 'Зырянская СОШ')][contains(@href,'/gap-plans/schools/')]"))
    click_and_wait(browser, browser.find_element(By.XPATH, "//a[contains(@href,'/gap-plans/')][contains(., '4А')]"))
    forms = browser.find_elements(By.CSS_SELECTOR, "form[action*='/recommendations']")
    assert forms, "items with matching recommendations offer them"
    form = forms[0]
    select = Select(form.find_element(By.TAG_NAME, "select"))
    title = select.first_selected_option.text
    submit(browser, form.find_element(By.XPATH, ".//button[text()='Прикрепить']"), "прикреплена к пункту")
    shot(browser, "84-plan-recommendation")
    plan = browser.current_url.split("#")[0]
    logout(browser)
    login(browser, base, "head-zyr")
    browser.get(plan)
    section = browser.page_source.split("Методические рекомендации к пунктам")[1]
    assert title in section
