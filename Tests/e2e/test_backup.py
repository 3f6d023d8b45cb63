"""Backups that restore (issue 20 §1) from the command line: a copy of a running server's database
(SQLite) while users sign in and fail to sign in, verified, restored into an empty folder, and the
restored msoko serves the same pages and files; the same with PostgreSQL (pg_dump/pg_restore)."""
import hashlib
import http.cookiejar
import json
import os
import re
import sqlite3
import sys
import threading
import urllib.parse
import urllib.request

import pytest

from conftest import Server, run
from test_hardening import Client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "bench"))
from load_uploads import big_file  # noqa: E402


def signed_in(base, login="specialist"):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login", timeout=30).read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode({"_csrf": csrf, "login": login, "password": "demo"}).encode(), timeout=30)
    return opener


def snapshot(base):
    """What a user sees: the API's local acts, the schools' list, and a stored file's bytes."""
    o = signed_in(base)
    acts = json.loads(o.open(base + "/api/v1/local-acts", timeout=30).read())
    schools = re.sub(r'name="_csrf" value="[^"]+"', "", o.open(base + "/schools", timeout=30).read().decode())
    page = o.open(base + "/local-acts", timeout=30).read().decode()
    version = re.search(r'href="(/local-act-versions/[0-9A-F-]{36})"', page).group(1)
    data = o.open(base + version + "/file", timeout=30).read()
    return acts, schools, version, hashlib.sha256(data).hexdigest()


def works(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM works").fetchone()[0]
    finally:
        db.close()


def test_copy_of_a_running_server_restores_to_the_same_pages_and_files(demo_server, datadir):
    base = demo_server.base
    # A results import of 5 000 new works runs through the server while the copy is taken, and users
    # keep signing in (sessions and attempts written).
    specialist = Client(base)
    specialist.login("specialist")
    procedure = re.findall(r'href="/procedures/([0-9A-Fa-f-]{36})"', specialist.get("/procedures"))[0]
    body = big_file(specialist, procedure, 5000)
    specialist.get(f"/procedures/{procedure}")
    before_works = works(os.path.join(datadir, "msoko.sqlite"))
    stop = threading.Event()
    answers = []

    def traffic():
        while not stop.is_set():
            try:
                signed_in(base, "head-zyr")
            except Exception:
                pass

    t = threading.Thread(target=traffic)
    imports = threading.Thread(target=lambda: answers.append(specialist.upload(f"/procedures/{procedure}/results", "big.csv", body)))
    t.start()
    imports.start()
    copy = os.path.join(datadir, "копии", "msoko-1.sqlite")
    try:
        p = run(["backup", "--out", copy], os.path.join(datadir))
    finally:
        imports.join()
        stop.set()
        t.join()
    assert "Копия исправна." in p.stdout, p.stdout
    after_works = works(os.path.join(datadir, "msoko.sqlite"))
    assert after_works != before_works, answers
    assert works(copy) in (before_works, after_works), "the copy holds the import whole or not at all"
    assert "Хранимых файлов проверено по SHA-256:" in p.stdout
    again = run(["backup", "--out", copy], datadir, check=False)
    assert again.returncode == 1 and "уже существует" in again.stderr
    assert "Копия исправна." in run(["backup", "--verify", copy]).stdout

    # A copy of the server at rest restores to what its users see.
    before = snapshot(base)
    copy = os.path.join(datadir, "копии", "msoko-2.sqlite")
    run(["backup", "--out", copy], datadir)
    restored = os.path.join(datadir, "restored")
    assert "Восстановлено" in run(["restore", copy], restored).stdout
    refused = run(["restore", copy], restored, check=False)
    assert refused.returncode == 1 and "только в пустую папку" in refused.stderr
    server = Server(restored)
    try:
        assert snapshot(server.base) == before
    finally:
        server.stop()


@pytest.mark.skipif(not os.environ.get("MSOKO_TEST_PG_SERVER"), reason="PostgreSQL: the test command starts one")
def test_postgres_dump_restores_into_an_empty_database(datadir):
    source = {"DATABASE_URL": os.environ["MSOKO_TEST_PG_SERVER"] + "/msoko_backup"}
    target = {"DATABASE_URL": os.environ["MSOKO_TEST_PG_SERVER"] + "/msoko_restore"}
    run(["demo"], datadir, env_extra=source)
    users = run(["user", "list"], datadir, env_extra=source).stdout
    copy = os.path.join(datadir, "msoko.dump")
    p = run(["backup", "--out", copy], datadir, env_extra=source)
    assert "PostgreSQL (pg_dump)" in p.stdout and "Копия исправна." in p.stdout, p.stdout
    assert "Восстановлено" in run(["restore", copy], datadir, env_extra=target).stdout
    assert run(["user", "list"], datadir, env_extra=target).stdout == users
    refused = run(["restore", copy], datadir, env_extra=target, check=False)
    assert refused.returncode == 1 and "только в пустую базу" in refused.stderr
    wrong = run(["restore", copy], os.path.join(datadir, "sqlite"), check=False)
    assert wrong.returncode == 1 and "задайте DATABASE_URL" in wrong.stderr
