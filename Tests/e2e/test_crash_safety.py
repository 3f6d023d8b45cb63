"""Crash safety, proven (issue 20 §2) on SQLite: a results import killed with SIGKILL at random
moments — through the command line, and with the server killed mid-upload — leaves a database that
passes its integrity check, with all of the file's works or none, and the kept upload either stored
with its checksum or absent. Bounded (a few dozen kills) so that the test command stays short; the
figures are printed and kept in docs/crash-safety.md."""
import csv
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import BIN, Server, run
from test_hardening import Client

ROWS = 20000
CLI_TRIES = int(os.environ.get("MSOKO_CRASH_TRIES", "14"))
SERVER_TRIES = int(os.environ.get("MSOKO_CRASH_SERVER_TRIES", "8"))


def prepare(base, env=None):
    """A district with the generated file's schools, a specialist and an empty procedure."""
    gen = os.path.join(base, "gen")
    run(["bench", "generate", "--rows", str(ROWS), "--out", gen])
    data = os.path.join(base, "base")
    run(["user", "add", "admin", "--role", "admin", "--region", "Томская область", "--municipality", "Район",
         "--time-zone", "Asia/Tomsk"], data, stdin="очень-длинный-пароль-1\n", env_extra=env)
    run(["user", "add", "spec", "--role", "specialist", "--name", "Специалист"], data, stdin="очень-длинный-пароль-2\n", env_extra=env)
    schools = {}
    with open(os.path.join(gen, "results.csv"), encoding="utf-8-sig") as f:
        for row in csv.reader(f, delimiter=";"):
            if row and re.fullmatch(r"edu\d{6}", row[0]):
                schools[row[0]] = row[2]
    listing = os.path.join(base, "schools.csv")
    with open(listing, "w", encoding="utf-8") as f:
        f.write("Логин;Полное наименование;Краткое наименование;Тип\n")
        for login, name in schools.items():
            f.write(f"{login};{name};{name};СОШ\n")
    run(["school", "import", listing], data, env_extra=env)
    procedure = run(["procedure", "add", "--spec", os.path.join(gen, "spec.json")], data, env_extra=env).stdout.strip().splitlines()[-1]
    with open(os.path.join(gen, "results.csv"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    return data, gen, procedure, sha


def state(data, procedure):
    """Integrity, the procedure's works, its uploads and whether each matches its checksum."""
    db = sqlite3.connect(os.path.join(data, "msoko.sqlite"))
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        pid = procedure.upper()
        works = db.execute("SELECT count(*) FROM works WHERE upper(procedure_id) = ?", (pid,)).fetchone()[0]
        uploads = db.execute("SELECT sha256, data FROM result_uploads WHERE upper(procedure_id) = ?", (pid,)).fetchall()
    finally:
        db.close()
    return integrity, works, [(s, hashlib.sha256(d).hexdigest() == s) for s, d in uploads]


def fresh(base, data, n):
    target = os.path.join(base, f"try-{n}")
    shutil.copytree(data, target)
    return target


def check(data, procedure, sha, figures):
    integrity, works, uploads = state(data, procedure)
    assert integrity == "ok", integrity
    assert works in (0, ROWS), f"half an import: {works} works of {ROWS}"
    assert all(ok for _, ok in uploads), "a kept upload does not match its checksum"
    if works == ROWS:
        assert [s for s, _ in uploads] == [sha], "the works are there without their file"
        figures["complete"] += 1
    else:
        figures["none"] += 1


def test_imports_killed_at_random_moments_leave_all_or_nothing(datadir):
    rng = random.Random(20)
    data, gen, procedure, sha = prepare(datadir)
    # How long a whole import takes here, to kill within it.
    probe = fresh(datadir, data, "probe")
    started = time.time()
    run(["import", "results", os.path.join(gen, "results.csv"), "--procedure", procedure], probe)
    duration = time.time() - started
    assert state(probe, procedure)[1] == ROWS
    figures = {"tries": 0, "kills": 0, "complete": 0, "none": 0}
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    for n in range(CLI_TRIES):
        target = fresh(datadir, data, n)
        p = subprocess.Popen([BIN, "import", "results", os.path.join(gen, "results.csv"), "--procedure", procedure, "--data", target],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.05, duration * 1.3))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            figures["kills"] += 1
        p.wait()
        figures["tries"] += 1
        check(target, procedure, sha, figures)
        shutil.rmtree(target)
    print(f"\ncommand line: {figures}, a whole import {duration:.1f} s")
    assert figures["kills"] >= 3, figures


def test_server_killed_mid_upload_leaves_all_or_nothing(datadir):
    rng = random.Random(21)
    data, gen, procedure, sha = prepare(datadir)
    with open(os.path.join(gen, "results.csv"), "rb") as f:
        body = f.read()
    figures = {"tries": 0, "kills": 0, "complete": 0, "none": 0}
    duration = None
    for n in range(SERVER_TRIES + 1):
        target = fresh(datadir, data, n)
        server = Server(target)
        client = Client(server.base)
        client.get("/login")
        status, _ = client.post("/login", {"login": "spec", "password": "очень-длинный-пароль-2"})
        assert status == 303
        client.get(f"/procedures/{procedure}")
        done = {}
        t = threading.Thread(target=lambda: done.update(answer=_safe(client.upload, f"/procedures/{procedure}/results", "results.csv", body)))
        started = time.time()
        t.start()
        if n == 0:
            # The first one runs to the end: how long an upload takes here.
            t.join()
            duration = time.time() - started
            server.stop()
            assert state(target, procedure)[1] == ROWS, done
            shutil.rmtree(target)
            continue
        time.sleep(rng.uniform(0.05, duration * 1.4))
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGKILL)
            figures["kills"] += 1
        server.proc.wait()
        t.join()
        figures["tries"] += 1
        check(target, procedure, sha, figures)
        # The server starts again on what the kill left.
        again = Server(target)
        again.stop()
        shutil.rmtree(target)
    print(f"\nserver: {figures}, a whole upload {duration:.1f} s")
    assert figures["kills"] == SERVER_TRIES


def _safe(f, *args):
    try:
        return f(*args)
    except Exception as e:  # the connection dies with the server
        return repr(e)


PG = os.environ.get("MSOKO_TEST_PG_SERVER")


def psql(database, sql):
    return subprocess.run(["psql", f"{PG}/{database}", "-tAc", sql], capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.skipif(not PG, reason="PostgreSQL: the test command starts one")
def test_imports_killed_on_postgres_leave_all_or_nothing(datadir):
    rng = random.Random(22)
    for db in ("msoko_crash_try", "msoko_crash"):
        psql("postgres", f"DROP DATABASE IF EXISTS {db}")
    psql("postgres", "CREATE DATABASE msoko_crash")
    base = {"DATABASE_URL": f"{PG}/msoko_crash"}
    data, gen, procedure, sha = prepare(datadir, base)
    env = dict({k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, DATABASE_URL=f"{PG}/msoko_crash_try")
    figures = {"tries": 0, "kills": 0, "complete": 0, "none": 0}
    duration = None
    for n in range(CLI_TRIES // 2 + 1):
        psql("postgres", "DROP DATABASE IF EXISTS msoko_crash_try")
        psql("postgres", "CREATE DATABASE msoko_crash_try TEMPLATE msoko_crash")
        started = time.time()
        p = subprocess.Popen([BIN, "import", "results", os.path.join(gen, "results.csv"), "--procedure", procedure, "--data", data],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if n == 0:
            assert p.wait() == 0
            duration = time.time() - started
        else:
            time.sleep(rng.uniform(0.05, duration * 1.3))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                figures["kills"] += 1
            p.wait()
            figures["tries"] += 1
        works = int(psql("msoko_crash_try", f"SELECT count(*) FROM works WHERE procedure_id = '{procedure.lower()}'"))
        uploads = psql("msoko_crash_try", f"SELECT sha256, encode(sha256(data), 'hex') = sha256 FROM result_uploads WHERE procedure_id = '{procedure.lower()}'")
        assert works in (0, ROWS), f"half an import: {works} works of {ROWS}"
        assert all(line.endswith("|t") for line in uploads.splitlines()), uploads
        if n > 0:
            if works == ROWS:
                assert uploads.splitlines() == [f"{sha}|t"]
                figures["complete"] += 1
            else:
                figures["none"] += 1
        else:
            assert works == ROWS
    psql("postgres", "DROP DATABASE IF EXISTS msoko_crash_try")
    print(f"\nPostgreSQL, command line: {figures}, a whole import {duration:.1f} s")
    assert figures["kills"] >= 1, figures
