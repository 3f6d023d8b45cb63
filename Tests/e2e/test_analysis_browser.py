"""The analysis pages in a real browser: a specialist opens the district analysis of the demo ВПР,
drills into a school and a class; a head lands on their own school."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import browser, login, shot  # noqa: F401  (fixture)


def open_demo_procedure(browser, base):
    browser.get(base + "/procedures")
    browser.find_element(By.PARTIAL_LINK_TEXT, "ВПР 2026 · Математика · 4 класс").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.LINK_TEXT, "Анализ результатов"))
    browser.find_element(By.LINK_TEXT, "Анализ результатов").click()
    WebDriverWait(browser, 15).until(lambda d: "/analysis" in d.current_url)


def test_specialist_drills_down_from_district_to_class(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "specialist")
    open_demo_procedure(browser, base)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Анализ результатов: район"
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg")) >= 4
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    for h in ["Отметки", "Выполнение заданий", "Распределение первичных баллов", "Сравнение с отметками по журналу", "Школы", "Динамика по годам"]:
        assert h in headings, headings
    assert browser.find_element(By.LINK_TEXT, "Аналитическая справка (DOCX)").get_attribute("href").endswith("/analysis/report.docx")
    shot(browser, "20-analysis-district")
    browser.find_element(By.PARTIAL_LINK_TEXT, "МОУ «Михайловская СОШ»").click()
    WebDriverWait(browser, 15).until(lambda d: "/schools/edu700102" in d.current_url)
    assert "Михайловская" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "21-analysis-school")
    browser.find_element(By.PARTIAL_LINK_TEXT, "· 4А").click()
    WebDriverWait(browser, 15).until(lambda d: "/classes/" in d.current_url)
    assert "4А" in browser.find_element(By.TAG_NAME, "h1").text
    assert "не используются для оценки работы учителя" in browser.page_source


def test_head_sees_only_their_school(demo_server, browser):  # noqa: F811
    base = demo_server.base
    login(browser, base, "head-mih")
    open_demo_procedure(browser, base)
    assert "/analysis/schools/edu700102" in browser.current_url
    assert "Зырянская" not in browser.page_source
