"""Every role lands on its work, in a real browser: the teacher opens their class's results from
«Мои задачи»; the observer and the commission member find their acts and works there; a small
school's head sees the school's own figures."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import browser, click_and_wait, login, logout, shot  # noqa: F401  (fixture)


def test_teacher_opens_their_class_from_tasks(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "teacher")
    assert browser.current_url.endswith("/tasks")
    assert "Результаты моих классов" in browser.page_source
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr") if "Математика · 4 класс" in r.text)
    click_and_wait(browser, row.find_element(By.LINK_TEXT, "Анализ"))
    assert "4А" in browser.find_element(By.TAG_NAME, "h1").text
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert "Результаты участников" in headings, headings
    table = browser.find_elements(By.CSS_SELECTOR, "table")[-1]
    header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "th")]
    assert header[0] == "Код участника" and header[-1] == "Отметка по журналу", header
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 7
    assert "не используются для оценки работы учителя" in browser.page_source
    shot(browser, "40-teacher-class")
    # The way back leads to the teacher's own list, never to a page they may not open.
    crumbs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "nav.crumbs a")]
    assert all(c.endswith("/tasks") for c in crumbs), crumbs


def test_teacher_opens_their_class_gaps(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "teacher")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr") if "Математика · 4 класс" in r.text)
    click_and_wait(browser, row.find_element(By.LINK_TEXT, "Пробелы"))
    assert "Пробелы в знаниях" in browser.find_element(By.TAG_NAME, "h1").text
    assert "4А" in browser.find_element(By.TAG_NAME, "h1").text
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert "Требования" in headings and "Обучающиеся" in headings, headings
    matrix = browser.find_element(By.CSS_SELECTOR, "table.gap-matrix")
    assert len(matrix.find_elements(By.CSS_SELECTOR, "tbody tr")) == 7
    shot(browser, "41-teacher-gaps")
    crumbs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "nav.crumbs a")]
    assert all(c.endswith("/tasks") for c in crumbs), crumbs


def test_small_school_head_sees_own_figures(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "head-zyr")
    browser.get(base + "/procedures")
    browser.find_element(By.PARTIAL_LINK_TEXT, "ВПР 2026 · Математика · 4 класс").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.LINK_TEXT, "Анализ результатов"))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Анализ результатов"))
    assert "/analysis/schools/edu700101" in browser.current_url
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Работ меньше 10: каждая работа заметно меняет доли (1 из 7 — 14,3 %)" in text
    marks = browser.find_elements(By.CSS_SELECTOR, "table")[0]
    first = marks.find_elements(By.CSS_SELECTOR, "tbody tr")[0].text
    assert "42,9" in first and "—" not in first, first
    shot(browser, "41-small-school-own")


def test_observer_and_commission_member_land_on_their_work(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "observer")
    assert browser.current_url.endswith("/tasks")
    assert "Акты наблюдения к заполнению" in browser.page_source
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Заполнить акт"))
    assert "/observer/assignments/" in browser.current_url
    logout(browser)

    # A specialist draws a sample; the member then finds the works in «Мои задачи».
    login(browser, base, "specialist")
    browser.get(base + "/procedures")
    browser.find_element(By.PARTIAL_LINK_TEXT, "ВПР 2026 · Математика · 5 класс").click()
    WebDriverWait(browser, 15).until(lambda d: "/procedures/" in d.current_url)
    browser.get(browser.current_url.rstrip("/") + "/recheck")
    size = browser.find_element(By.NAME, "size")
    size.clear()
    size.send_keys("5")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[contains(., 'Сформировать выборку')]"))
    assert "Выборка сформирована" in browser.page_source
    logout(browser)

    login(browser, base, "commission")
    assert browser.current_url.endswith("/tasks")
    assert "Работы на перепроверку" in browser.page_source
    assert "Ждут ваших баллов: 5" in browser.find_element(By.TAG_NAME, "main").text
    click_and_wait(browser, browser.find_elements(By.LINK_TEXT, "Проверить")[0])
    assert "/commission/scorings/" in browser.current_url
    shot(browser, "42-commission-scoring")
