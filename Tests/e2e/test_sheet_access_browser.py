"""Results told to the people they belong to (issue 14 §2-3) in a real browser: the head puts names
onto the 4А batch from the school's protocol (CSV and XLSX) without any of them leaving the
browser, prints it (one sheet per page, names on them); the QR code on a sheet reads back (zbarimg)
as the printed link; a parent opens the sheet from the code on a phone-sized window without an
account; the class's «охват» shows the family reached."""
import base64
import json
import os
import re
import shutil
import subprocess
import urllib.parse
import urllib.request

import docx
import openpyxl
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import login, shot

BATCH = "/sheets/schools/edu700101/classes/4%D0%90"
NAMES = ["Иванова Мария Петровна", "Петров Алексей Игоревич", "Сидорова Анна Сергеевна", "Кузнецов Илья Олегович",
         "Смирнова Ольга Викторовна", "Попов Артём Андреевич", "Васильева Дарья Ильинична"]


@pytest.fixture
def logged_browser():
    """Chromium that keeps its network log: every request the page makes, with its body."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    d = webdriver.Chrome(service=service, options=opts)
    yield d
    d.quit()


def requests_sent(driver):
    """Every request since the last call: URL, headers and body as one text each."""
    out = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            r = msg["params"]["request"]
            out.append(urllib.parse.unquote(r["url"]) + " " + json.dumps(r.get("headers", {}), ensure_ascii=False) + " " + r.get("postData", ""))
    return out


def procedure_id(driver, base):
    driver.get(base + "/procedures")
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "tr") if "Математика · 4 класс" in r.text)
    return re.search(r"/procedures/([0-9A-F-]{36})", row.find_element(By.CSS_SELECTOR, "a").get_attribute("href")).group(1)


def pick(driver, path, expect):
    driver.find_element(By.ID, "names-file").send_keys(path)
    WebDriverWait(driver, 15).until(lambda d: expect in d.find_element(By.ID, "names-status").text)
    return driver.find_element(By.ID, "names-status").text


def test_head_joins_names_in_the_browser_only_and_prints_the_batch(demo_server, logged_browser, datadir):
    d, base = logged_browser, demo_server.base
    login(d, base, "head-zyr")
    pid = procedure_id(d, base)
    d.get(base + f"/procedures/{pid}{BATCH}")
    codes = [el.get_attribute("data-code") for el in d.find_elements(By.CSS_SELECTOR, ".sheet-name[data-code]")]
    assert len(codes) == 7
    assert "никуда не отправляется" in d.page_source
    requests_sent(d)  # forget the page's own loading

    # A CSV as Excel saves it in Russia: Windows-1251, semicolons, the header under a title row;
    # one code left out of the protocol on purpose.
    names = dict(zip(codes, NAMES))
    csv = os.path.join(datadir, "протокол.csv")
    with open(csv, "w", encoding="cp1251", newline="") as f:
        f.write("Протокол соответствия кодов и ФИО;\r\n№;Код участника;ФИО\r\n")
        for i, c in enumerate(codes[:-1], 1):
            f.write(f"{i};{c};{names[c]}\r\n")
    status = pick(d, csv, "подставлены")
    assert "на 6 из 7" in status and codes[-1] in status, status
    for c in codes[:-1]:
        assert d.find_element(By.CSS_SELECTOR, f'.sheet-name[data-code="{c}"]').text == "ФИО: " + names[c]
    assert not d.find_element(By.CSS_SELECTOR, f'.sheet-name[data-code="{codes[-1]}"]').is_displayed()

    # An XLSX whose codes are numbers (a spreadsheet drops a leading zero) and rich text in a name.
    xlsx = os.path.join(datadir, "протокол.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ФИО", "Класс", "Код участника"])
    for c in codes:
        ws.append([names[c], "4А", int(c) if c.isdigit() else c])
    wb.create_sheet("Другой лист").append(["Код участника", "ФИО"])
    wb.save(xlsx)
    status = pick(d, xlsx, "на 7 из 7")
    for c in codes:
        assert d.find_element(By.CSS_SELECTOR, f'.sheet-name[data-code="{c}"]').text == "ФИО: " + names[c]
    shot(d, "61-sheets-names")

    # A file without the columns says so and changes nothing.
    bad = os.path.join(datadir, "другое.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("a;b\n1;2\n")
    status = pick(d, bad, "не найдены столбцы")
    assert "ФИО не подставлены" in status

    # Printed: one sheet per page, the names on them.
    pdf = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 7
    path = os.path.join(datadir, "batch.pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    for n in NAMES:
        assert n in text, n

    # No name ever left the browser: no request since the page loaded carries one (nor any part).
    sent = requests_sent(d)
    for n in NAMES:
        for part in n.split():
            assert not any(part in r for r in sent), (part, sent)
    # The server never heard of them either: a fresh load has codes only.
    d.get(base + f"/procedures/{pid}{BATCH}")
    assert not any(n in d.page_source for n in NAMES)


def test_parent_opens_the_sheet_from_the_printed_code_on_a_phone(demo_server, logged_browser, datadir):
    d, base = logged_browser, demo_server.base
    login(d, base, "head-zyr")
    pid = procedure_id(d, base)
    d.get(base + f"/procedures/{pid}{BATCH}")
    # A sheet not opened yet: its code, link and QR code as printed.
    sheet = next(s for s in d.find_elements(By.CSS_SELECTOR, "section.sheet") if "не открыт" in s.text)
    student = sheet.get_attribute("id").removeprefix("sheet-")
    link = sheet.find_element(By.CSS_SELECTOR, ".sheet-link").text
    code = sheet.find_element(By.CSS_SELECTOR, ".sheet-code").text
    assert link.endswith("/r/" + code.replace("-", ""))
    png = os.path.join(datadir, "qr.png")
    d.execute_script("arguments[0].scrollIntoView()", sheet.find_element(By.CSS_SELECTOR, "svg.qr"))
    sheet.find_element(By.CSS_SELECTOR, "svg.qr").screenshot(png)
    read = subprocess.run(["zbarimg", "--raw", "-q", png], capture_output=True, text=True)
    assert read.stdout.strip() == link, (read.returncode, read.stdout, read.stderr)
    coverage_before = d.execute_script("return document.getElementById('codes').innerText")
    # The DOCX batch opens in python-docx: a page per sheet, codes only, each with its parents' link.
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", "; ".join(f"{c['name']}={c['value']}" for c in d.get_cookies()))]
    path = os.path.join(datadir, "batch.docx")
    with open(path, "wb") as f:
        f.write(opener.open(d.current_url + "?format=docx").read())
    document = docx.Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Результаты участника") == 7
    assert link in text and code in text
    assert "ФИО" not in text

    # The parent, no account, a phone: types the code from the sheet.
    d.delete_all_cookies()
    d.set_window_size(390, 844)
    d.get(base + "/r")
    field = d.find_element(By.NAME, "code")
    field.send_keys(code.lower())
    field.submit()
    WebDriverWait(d, 15).until(lambda drv: "/r/" in drv.current_url)
    assert f"Результаты участника {student}" in d.page_source
    assert "Первичный балл" in d.page_source and "Рекомендации" in d.page_source
    assert d.execute_script("return document.documentElement.scrollWidth") <= 390
    shot(d, "62-parent-phone")
    # The same code mistyped is refused with the common answer.
    d.get(base + "/r/" + code.replace("-", "")[:-1] + ("A" if code[-1] != "A" else "C"))
    assert "Лист не найден" in d.page_source

    # The school sees the family reached: on the sheet and in the class's «охват».
    d.set_window_size(1280, 1000)
    login(d, base, "head-zyr")
    d.get(base + f"/procedures/{pid}{BATCH}")
    sheet = d.find_element(By.ID, "sheet-" + student)
    assert "просмотрено" in sheet.text
    before = int(re.search(r"(\d+)\s*семей открыли лист", coverage_before).group(1))
    after = int(re.search(r"(\d+)\s*семей открыли лист", d.find_element(By.ID, "codes").text).group(1))
    assert after == before + 1
    d.get(base + f"/procedures/{pid}/sheets")
    row = next(r for r in d.find_elements(By.CSS_SELECTOR, "tr") if r.text.startswith("4А"))
    assert f" {after} " in f" {row.text} ", row.text
