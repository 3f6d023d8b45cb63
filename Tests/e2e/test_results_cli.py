"""`msoko procedure add`, `import results`, `export results` on files written by real producers
(openpyxl, LibreOffice), on SQLite and PostgreSQL."""
import json
import os
import shutil
import subprocess

import openpyxl
import pytest

from conftest import run

SPEC = {
    "type": "ВПР", "year": 2026, "subject": "Математика", "grade": 4,
    "tasks": [{"number": "1", "max": 1, "level": "Б"}, {"number": "2", "max": 2, "level": "Б"},
              {"number": "3.1", "max": 1, "level": "П"}, {"number": "3.2", "max": 2, "level": "В"}],
    "scale": {"3": 2, "4": 4, "5": 5},
}
HEADER = ["ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант", "Пол",
          "1 (1б)", "2 (2б)", "3.1 (1б)", "3.2 (2б)", "Первичный балл", "Отметка", "Отметка по журналу"]
ROWS = [
    ["edu700101", "Зырянский район", "МБОУ «Зырянская СОШ»", "10001", "4А", 1, "М", 1, 2, "X", 1, 4, 4, 5],
    ["edu700101", "Зырянский район", "МБОУ «Зырянская СОШ»", "10002", "4А", 2, "Ж", 0, 1, 0, 0, 1, 2, 3],
    ["edu700102", "Зырянский район", "МОУ «Михайловская СОШ»", "11001", "4Б", 1, "М", 1, 2, 1, 2, 6, 5, 5],
]

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("MSOKO_TEST_PG_SERVER") else [])


@pytest.fixture(params=BACKENDS)
def district(request, datadir):
    env = {}
    if request.param == "postgres":
        env = {"DATABASE_URL": os.environ["MSOKO_TEST_PG_SERVER"] + "/msoko_results"}
    run(["demo", "--reset"] if env else ["demo"], datadir, env_extra=env)
    spec = os.path.join(datadir, "spec.json")
    with open(spec, "w", encoding="utf-8") as f:
        json.dump(SPEC, f, ensure_ascii=False)
    out = run(["procedure", "add", "--spec", spec], datadir, env_extra=env).stdout.strip().splitlines()
    return datadir, env, out[-1]


def workbook(path, rows, title="ВПР 2026 Математика 4 класс"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Индивидуальные результаты"
    for line in [[title], [f"Кол-во участников: {len(rows)}"], ["Максимальный первичный балл: 6"], [],
                 [None] * 7 + ["Б", "Б", "П", "В"], HEADER] + rows:
        ws.append(line)
    wb.save(path)


def test_import_export_round_trip(district):
    data, env, procedure = district
    src = os.path.join(data, "municipal.xlsx")
    workbook(src, ROWS)
    p = run(["import", "results", src, "--procedure", procedure], data, env_extra=env)
    assert "Загружено работ: 3; школы: edu700101, edu700102." in p.stdout
    for ext in ("xlsx", "csv"):
        out = os.path.join(data, f"export.{ext}")
        run(["export", "results", "--procedure", procedure, "--out", out], data, env_extra=env)
        again = run(["import", "results", out, "--procedure", procedure], data, env_extra=env)
        assert "Загружено работ: 3" in again.stdout, ext
    wb = openpyxl.load_workbook(os.path.join(data, "export.xlsx"))
    rows = [list(r) for r in wb.active.iter_rows(min_row=7, values_only=True)]
    assert [r[3] for r in rows] == ["10001", "10002", "11001"]
    assert rows[0][7:14] == [1, 2, "X", 1, 4, 4, 5]


def test_broken_file_names_every_row_and_stores_nothing(district):
    data, env, procedure = district
    bad = [r[:] for r in ROWS]
    bad[0][8] = 3          # above the max of task 2
    bad[1][7] = None       # empty task cell
    bad[2][0] = "edu799999"  # unknown school
    src = os.path.join(data, "broken.xlsx")
    workbook(src, bad)
    p = run(["import", "results", src, "--procedure", procedure], data, env_extra=env, check=False)
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert "Файл не принят, ничего не сохранено" in lines[0]
    assert any("строка 7, столбец I («2 (2б)»): балл 3 за задание 2 больше максимального (2)" in l for l in lines), lines
    assert any("строка 8, столбец H («1 (1б)»): пустая ячейка задания 1" in l for l in lines), lines
    # The unknown school in the same pass, with the way to add it.
    assert any("строка 9" in l and "школа edu799999 не найдена" in l for l in lines), lines
    assert "повторите загрузку с --create-schools" in lines[-1]
    out = os.path.join(data, "empty.csv")
    run(["export", "results", "--procedure", procedure, "--out", out], data, env_extra=env)
    assert open(out, encoding="utf-8-sig").read().count("\n") == 6, "nothing was stored"
    pdf = os.path.join(data, "renamed.xlsx")
    with open(pdf, "wb") as f:
        f.write(b"%PDF-1.4 not a workbook")
    p = run(["import", "results", pdf, "--procedure", procedure], data, env_extra=env, check=False)
    assert p.returncode != 0 and "renamed.xlsx" in p.stderr


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is installed by scripts/test.sh")
def test_libreoffice_xlsx_with_shared_strings(district):
    data, env, procedure = district
    csv = os.path.join(data, "school.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("ВПР 2026 Математика 4 класс\nМБОУ «Зырянская СОШ» (edu700101) | Кол-во участников: 2\n")
        f.write("Код участника;Класс;1 (1б);2 (2б);3.1 (1б);3.2 (2б);Отметка по журналу\n20001;4А;1;1;0;0;3\n20002;4А;Х;2;1;2;5\n")
    subprocess.run(["soffice", "--headless", "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", data, csv], check=True, capture_output=True, timeout=180)
    p = run(["import", "results", os.path.join(data, "school.xlsx"), "--procedure", procedure, "--school", "edu700101"], data, env_extra=env)
    assert "Загружено работ: 2; школы: edu700101." in p.stdout


class _Unseekable:
    """A write-only stream: Python's zipfile then writes data descriptors (flag bit 3), sizes after
    the data, as streaming producers do."""
    def __init__(self, f):
        self.f = f

    def write(self, b):
        return self.f.write(b)

    def flush(self):
        self.f.flush()


def test_archives_from_other_zip_writers_read_the_same(district):
    """The bounded ZIP reader of issue 9 on archives msoko's writer never makes: an openpyxl
    workbook re-packed by Python's zipfile streaming (data descriptors), with ZIP64 extra fields
    on every entry, and stored (uncompressed) — each imports exactly like the original."""
    import zipfile
    data, env, procedure = district
    original = os.path.join(data, "original.xlsx")
    workbook(original, ROWS)
    with zipfile.ZipFile(original) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    variants = {}
    path = os.path.join(data, "streamed.xlsx")
    with open(path, "wb") as raw, zipfile.ZipFile(_Unseekable(raw), "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts:
            with z.open(name, "w") as w:
                w.write(body)
    variants["streamed"] = path
    path = os.path.join(data, "zip64.xlsx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts:
            with z.open(name, "w", force_zip64=True) as w:
                w.write(body)
    variants["zip64"] = path
    path = os.path.join(data, "stored.xlsx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, body in parts:
            z.writestr(name, body)
    variants["stored"] = path
    with zipfile.ZipFile(variants["streamed"]) as z:
        assert all(i.flag_bits & 0x08 for i in z.infolist()), "zipfile wrote data descriptors"
    for kind, path in variants.items():
        p = run(["import", "results", path, "--procedure", procedure], data, env_extra=env)
        assert "Загружено работ: 3" in p.stdout, (kind, p.stdout, p.stderr)
