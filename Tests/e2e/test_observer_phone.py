"""The observer's phone flow in a real browser at a phone-sized window: assignments, the act form,
a refused submission, then the act submitted and locked."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import browser, login, shot  # noqa: F401  (fixture)


def test_observer_files_an_act_from_a_phone(demo_server, browser):  # noqa: F811
    browser.set_window_size(390, 844)
    base = demo_server.base
    login(browser, base, "observer")
    browser.get(base + "/observer")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Мои назначения"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
    browser.find_element(By.LINK_TEXT, "Заполнить акт").click()
    WebDriverWait(browser, 15).until(lambda d: "/observer/assignments/" in d.current_url)
    form_url = browser.current_url
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
    shot(browser, "30-observer-act")
    # Nothing ticked: refused with the reasons, on the same page.
    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: "Акт не подан" in d.page_source)
    assert "Отметьте хотя бы один этап" in browser.page_source
    browser.get(form_url)
    browser.find_element(By.CSS_SELECTOR, "label[for=stage1]").click()
    browser.find_element(By.CSS_SELECTOR, "label[for=noViolations]").click()
    browser.find_element(By.ID, "notes").send_keys("Рассадка по одному, телефоны сданы.")
    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: d.current_url.rstrip("/").endswith("/observer"))
    assert "Акт подан." in browser.page_source
    browser.get(form_url)
    assert "больше не изменяется" in browser.page_source
    # Russian date and time in the district's zone, not «12/1/26, 8:32 PM».
    import re
    flash = browser.find_element(By.CSS_SELECTOR, ".flash.ok").text
    assert re.search(r"Акт подан \d\d\.\d\d\.\d{4} \d\d:\d\d и больше не изменяется", flash), flash
    assert not browser.find_elements(By.CSS_SELECTOR, "button[value=submit]")
    assert browser.find_element(By.ID, "noViolations").get_attribute("disabled")
