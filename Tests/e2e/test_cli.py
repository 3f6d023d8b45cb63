"""The `msoko` command line on SQLite and on PostgreSQL (MSOKO_TEST_PG_URL)."""
import glob
import json
import os
import re
import urllib.error
import urllib.request

import pytest

from conftest import Server, run

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
ROADMAP_JSON = os.path.join(ROOT, "Sources", "MsokoServer", "Resources", "roadmap-2025-2026.json")
SEED_MD = os.path.join(ROOT, "..", "shared", "seed", "roadmap-2025-2026.md")

# MSOKO_TEST_PG_SERVER is «postgres://user@host:port»; each test uses its own database there.
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("MSOKO_TEST_PG_SERVER") else [])


@pytest.fixture(params=BACKENDS)
def backend(request, datadir):
    if request.param != "postgres":
        return datadir, {}
    database = {"test_real_district_setup_from_the_command_line": "msoko_cli", "test_demo_and_reset": "msoko_demo"}[request.function.__name__]
    return datadir, {"DATABASE_URL": os.environ["MSOKO_TEST_PG_SERVER"] + "/" + database}


def api(base, path, token):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_real_district_setup_from_the_command_line(backend):
    data, env = backend
    run(["migrate"], data, env_extra=env)
    p = run(["user", "add", "chief", "--role", "admin", "--name", "Иванов И.И.", "--region", "Томская область",
             "--municipality", "Асиновский район", "--time-zone", "Asia/Tomsk"], data, stdin="очень-длинный-пароль\n", env_extra=env)
    assert "создан" in p.stdout and "Пароль:" not in p.stdout

    csv = os.path.join(data, "schools.csv")
    with open(csv, "w", encoding="cp1251") as f:
        f.write("Логин;Полное наименование;Краткое наименование;Тип\nedu700201;МБОУ «Первая СОШ»;Первая СОШ;СОШ\nedu700202;Гимназия № 2;;гимназия\n")
    assert "Добавлено школ: 2" in run(["school", "import", csv], data, env_extra=env).stdout

    bad = run(["school", "add", "edu70", "--name", "X"], data, env_extra=env, check=False)
    assert bad.returncode != 0 and "«edu70» не похоже на логин школы в ФИС ОКО (ожидается вид edu000000" in bad.stderr

    p = run(["user", "add", "head1", "--role", "head", "--school", "edu700201"], data, stdin="", env_extra=env)
    generated = p.stdout.strip().splitlines()[-1]
    assert generated.startswith("Пароль: ") and len(generated) > 12
    nohead = run(["user", "add", "t1", "--role", "teacher"], data, env_extra=env, check=False)
    assert nohead.returncode == 1 and "укажите школу" in nohead.stderr
    assert "Пароль пользователя head1 изменён" in run(["user", "passwd", "head1"], data, stdin="другой-пароль-1\n", env_extra=env).stdout
    listing = run(["user", "list"], data, env_extra=env).stdout
    assert "chief\tadmin" in listing and "head1\thead\tedu700201" in listing

    loaded = run(["roadmap", "load", ROADMAP_JSON], data, env_extra=env).stdout
    assert "мероприятий 15" in loaded
    if os.path.exists(SEED_MD):
        assert "мероприятий 15" in run(["roadmap", "load", SEED_MD], data, env_extra=env).stdout
    # A roadmap kept in Word (python-docx), section rows as merged cells.
    import docx
    d = docx.Document()
    d.add_paragraph("План мероприятий на 2026-2027 учебный год")
    t = d.add_table(rows=0, cols=5)
    for cells in [["№", "Мероприятие", "Срок", "Ответственные", "Результат"], ["1. Объективность"],
                  ["1.1.", "Наблюдение на ВПР", "Апрель, май", "Специалисты Управления образования", "Акты"],
                  ["1.2.", "Совещание", "Август, январь,", "Руководители образовательных организаций", "Решения"]]:
        row = t.add_row().cells
        if len(cells) == 1:
            merged = row[0].merge(row[4])
            merged.text = cells[0]
        else:
            for c, text in zip(row, cells):
                c.text = text
    plan = os.path.join(data, "план.docx")
    d.save(plan)
    assert "Дорожная карта 2026-2027 загружена: разделов 1, мероприятий 2" in run(["roadmap", "load", plan], data, env_extra=env).stdout

    broken = os.path.join(data, "broken.json")
    with open(broken, "w") as f:
        f.write('{"year":"2025-2026","title":"t","sections":[{"number":"1","title":"s","measures":[{"number":"1.1","title":"x","timing":"Иногда","responsible":"r","expectedResult":"e"}]}]}')
    p = run(["roadmap", "load", broken], data, env_extra=env, check=False)
    assert p.returncode == 1 and "мероприятие 1.1" in p.stderr and "Иногда" in p.stderr

    token = run(["token", "create", "--user", "chief"], data, env_extra=env).stdout.strip().splitlines()[-1]
    head_token = run(["token", "create", "--user", "head1"], data, env_extra=env).stdout.strip().splitlines()[-1]
    refused = run(["demo", "--reset"], data, env_extra=env, check=False)
    assert refused.returncode == 1 and "не демонстрационная" in refused.stderr

    server = Server(data, env_extra=env)
    try:
        status, body = api(server.base, "/api/v1/roadmap?year=2025-2026", token)
        assert status == 200 and len(body["measures"]) == 15
        m14 = next(m for m in body["measures"] if m["number"] == "1.4")
        assert [c["due"] for c in m14["checkpoints"]] == ["2026-01-31", "2026-05-31"]
        assert {s["school"] for s in m14["checkpoints"][0]["schools"]} == {"edu700201", "edu700202"}
        status, body = api(server.base, "/api/v1/roadmap?year=2025-2026", head_token)
        assert status == 200
        assert {s["school"] for s in m14["checkpoints"][0]["schools"]} == {"edu700201", "edu700202"}
        head_m14 = next(m for m in body["measures"] if m["number"] == "1.4")
        assert [s["school"] for s in head_m14["checkpoints"][0]["schools"]] == ["edu700201"]
        assert api(server.base, "/api/v1/audit", head_token)[0] == 403
        status, body = api(server.base, "/api/v1/audit", token)
        assert status == 200 and any("Загружена дорожная карта" in (e.get("summary") or "") for e in body["entries"])
        assert api(server.base, "/api/v1/roadmap", "not-a-token")[0] == 401
        assert "Отозвано токенов: 1" in run(["token", "revoke", "--user", "chief"], data, env_extra=env).stdout
        assert api(server.base, "/api/v1/roadmap", token)[0] == 401
    finally:
        server.stop()


def test_demo_and_reset(backend):
    data, env = backend
    p = run(["demo"], data, env_extra=env)
    assert "Демонстрационный район загружен" in p.stdout
    again = run(["demo"], data, env_extra=env, check=False)
    assert again.returncode == 1 and "msoko demo --reset" in again.stderr
    assert "Демонстрационный район загружен" in run(["demo", "--reset"], data, env_extra=env).stdout
    listing = run(["user", "list"], data, env_extra=env).stdout
    for login in ["specialist", "head-zyr", "head-mih", "teacher", "methodist", "observer", "commission", "admin"]:
        assert f"{login}\t" in listing


def test_every_command_names_itself():
    """Each command's configuration names it: without a name ArgumentParser works one out from the
    type (`String(describing:)`), whose first dynamic casts search every protocol conformance of a
    190 MB binary — 8 ms of each `msoko analyze` (28 → 20 ms for a tiny file, perf stat, 2026-12-05)."""
    unnamed = []
    for path in glob.glob(os.path.join(ROOT, "Sources", "msoko", "**", "*.swift"), recursive=True):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"CommandConfiguration\(", text):
            call = text[m.end():m.end() + 400]
            if not call.lstrip().startswith("commandName:"):
                unnamed.append(f"{os.path.relpath(path, ROOT)}:{text[:m.start()].count(chr(10)) + 1}")
    assert not unnamed, "commands without commandName: " + ", ".join(unnamed)
