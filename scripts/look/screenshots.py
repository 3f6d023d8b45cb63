"""Screenshots of msoko's main pages as each role sees them, at desktop and phone widths, from
`msoko serve --demo` (a new SQLite data folder). For looking at a change by eye (before/after).

    python3 scripts/look/screenshots.py --bin .build/debug/msoko --out /tmp/shots
"""
import argparse
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from load_uploads import start_demo  # noqa: E402

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# (role login, [(name, path)]); `{p}` is the first procedure, `{plan}` the demo's first class plan and
# `{rediag}` its re-diagnosis; `{code}` a parent's code's page of the demo 4А and `{access}` that
# code (read from the head's batch); `{act}` the first local act waiting for review; the role None is a parent without an account.
PAGES = [
    ("specialist", [("dashboard", "/"), ("procedures", "/procedures"), ("procedure", "/procedures/{p}"),
                    ("analysis", "/procedures/{p}/analysis"), ("objectivity", "/procedures/{p}/objectivity"),
                    ("objectivity-all", "/objectivity"), ("observers", "/observers"), ("assignments", "/procedures/{p}/observers"),
                    ("acts", "/observers/acts"), ("coverage", "/observers/coverage"), ("recheck", "/procedures/{p}/recheck"),
                    ("calendar", "/calendar"), ("reference", "/procedures/{p}/reference"), ("seminars", "/seminars"),
                    ("tasks", "/tasks"), ("schools", "/schools"), ("audit", "/audit"),
                    ("gaps-school", "/procedures/{p}/gaps/schools/edu700102"), ("gaps-class", "/procedures/{p}/gaps/schools/edu700102/classes/4%D0%90"),
                    ("gap-district", "/gap-plans"), ("gap-plan-specialist", "{plan}"), ("informing-district", "/procedures/{p}/sheets"),
                    ("local-acts", "/local-acts"), ("local-acts-settings", "/local-acts/settings"), ("local-act-review", "{act}"),
                    ("meetings", "/meetings"), ("decisions", "/decisions"), ("loop", "/loop"), ("meeting-templates", "/meetings/templates"),
                    ("calendar-feed", "/calendar/feed")]),
    ("head-zyr", [("my-school", "/my-school"), ("head-analysis", "/procedures/{p}/analysis/schools/edu700101"),
                  ("head-procedure", "/procedures/{p}"), ("head-gaps", "/procedures/{p}/gaps/schools/edu700101"),
                  ("head-gap-school", "/gap-plans"), ("head-plan", "{plan}"), ("head-rediagnosis", "{rediag}"), ("head-rediagnosis-new", "{plan}/rediagnoses/new"),
                  ("head-informing", "/procedures/{p}/sheets"), ("head-sheets", "/procedures/{p}/sheets/schools/edu700101/classes/4%D0%90"), ("head-sheet-code", "{code}"),
                  ("head-local-acts", "/local-acts"), ("head-local-act", "{act}"), ("head-meetings", "/meetings"), ("head-decisions", "/decisions")]),
    ("methodist", [("methodist-local-acts", "/local-acts"), ("methodist-local-act", "{act}")]),
    ("teacher", [("teacher-tasks", "/tasks"), ("teacher-gaps", "/procedures/{p}/gaps/schools/edu700101/classes/4%D0%90"),
                 ("teacher-plans", "/gap-plans"), ("teacher-plan", "{plan}"), ("teacher-sheets", "/procedures/{p}/sheets/schools/edu700101/classes/4%D0%90")]),
    (None, [("parent-entry", "/r"), ("parent-sheet", "/r/{access}"), ("parent-wrong", "/r/AAAA-BBBB-CCCC")]),
    ("admin", [("users", "/admin/users"), ("schools-admin", "/admin/schools"), ("settings", "/settings"), ("backups", "/admin/backups")]),
    ("observer", [("my-assignments", "/observer")]),
    ("commission", [("commission", "/commission")]),
]


def driver(width):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def login(d, base, user):
    d.delete_all_cookies()
    d.get(base + "/login")
    d.find_element(By.NAME, "login").send_keys(user)
    d.find_element(By.NAME, "password").send_keys("demo")
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Signed in once the answer has left the login page (a slow machine takes a while).
    WebDriverWait(d, 60).until(lambda drv: "/login" not in drv.current_url)


def shoot(d, path, width):
    d.set_window_size(width, 900)
    height = d.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
    d.set_window_size(width, max(height, 400))
    d.save_screenshot(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--widths", default="1280,390")
    ap.add_argument("--only", default="", help="a regular expression: shoot only the pages whose name matches")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    base, proc, _ = start_demo(args.bin, "msoko-look-")
    try:
        d = driver(1280)
        login(d, base, "specialist")
        d.get(base + "/procedures")
        p = re.search(r'href="/procedures/([0-9A-F-]{36})"', d.page_source).group(1)
        d.get(base + "/gap-plans")
        d.get(base + re.search(r'href="(/gap-plans/schools/[0-9A-F-]{36})"', d.page_source).group(1))
        plan = re.search(r'href="(/gap-plans/[0-9A-F-]{36})"', d.page_source).group(1)
        d.get(base + plan)
        rediag = re.search(r'href="(/gap-rediagnoses/[0-9A-F-]{36})"', d.page_source).group(1)
        d.get(base + "/local-acts")
        act = re.search(r'href="(/local-act-versions/[0-9A-F-]{36})"', d.page_source).group(1)
        login(d, base, "head-zyr")
        d.get(base + f"/procedures/{p}/sheets/schools/edu700101/classes/4%D0%90")
        code = re.search(r'href="(/sheet-codes/[0-9A-F-]{36})"', d.page_source).group(1)
        access = re.search(r'class="sheet-code">([0-9A-Z-]{14})<', d.page_source).group(1)
        for user, pages in PAGES:
            pages = [(n, path) for n, path in pages if re.search(args.only, n)]
            if not pages:
                continue
            if user:
                login(d, base, user)
            else:
                d.delete_all_cookies()
            for name, path in pages:
                d.get(base + path.format(p=p, plan=plan, rediag=rediag, code=code, access=access, act=act))
                for w in args.widths.split(","):
                    shoot(d, os.path.join(args.out, f"{name}-{w}.png"), int(w))
        d.quit()
    finally:
        proc.terminate()
        proc.wait()
    print(args.out)


if __name__ == "__main__":
    main()
