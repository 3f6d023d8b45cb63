"""Issue 11: results files as real producers write them, each layout made here with openpyxl,
Python's csv module or LibreOffice (never msoko's own writer), read by `msoko check results`:
shared and inline strings, numbers stored as text, a header spread over merged cells, hidden and
extra sheets, one sheet per class, trailing empty rows and columns, CSV with every field quoted,
`sch` logins, and Excel 97-2003 (.xls) and OpenDocument (.ods) converted by LibreOffice."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from conftest import run

SPEC = {
    "type": "ВПР", "year": 2026, "subject": "Математика", "grade": 4,
    "tasks": [{"number": "1", "max": 1, "level": "Б"}, {"number": "2", "max": 2, "level": "Б"},
              {"number": "3", "max": 2, "level": "П"}],
    "scale": {"3": 2, "4": 3, "5": 5},
}
HEADER = ["ОО", "Название ОО", "Код участника", "Класс", "1 (1б)", "2 (2б)", "3 (2б)", "Первичный балл", "Отметка"]
ROWS = [
    ["edu700101", "МБОУ «Зырянская СОШ»", "10001", "4А", 1, 2, 1, 4, 4],
    ["edu700101", "МБОУ «Зырянская СОШ»", "10002", "4А", 0, 1, 0, 1, 2],
    ["edu700101", "МБОУ «Зырянская СОШ»", "10003", "4Б", 1, 2, 2, 5, 5],
    ["edu700102", "МОУ «Михайловская СОШ»", "11001", "4А", 1, 1, "X", 2, 3],
]
TITLE = "ВПР 2026 Математика 4 класс"


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    return str(path)


def check(path, spec):
    p = run(["check", "results", str(path), "--spec", spec], check=False)
    return p.returncode, p.stdout + p.stderr


def accepted(path, spec, works=len(ROWS)):
    code, out = check(path, spec)
    assert code == 0 and f"работ {works}" in out, out


def plain(path, rows=ROWS, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Результаты"
    for line in [[TITLE], [], header] + rows:
        ws.append(line)
    wb.save(path)
    return path


def test_inline_strings(tmp_path, spec):
    """openpyxl writes every string inline (t="inlineStr")."""
    path = plain(tmp_path / "inline.xlsx")
    with zipfile.ZipFile(path) as z:
        assert b"inlineStr" in z.read("xl/worksheets/sheet1.xml")
    accepted(path, spec)


def test_shared_strings(tmp_path, spec):
    """LibreOffice writes strings once in sharedStrings.xml and refers to them by index."""
    src = plain(tmp_path / "source.xlsx")
    out = tmp_path / "lo"
    out.mkdir()
    made = convert(src, "xlsx", out)
    with zipfile.ZipFile(made) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    accepted(made, spec)


def test_numbers_stored_as_text(tmp_path, spec):
    rows = [[str(v) if isinstance(v, int) else v for v in r] for r in ROWS]
    rows[0][4] = "1.0"
    accepted(plain(tmp_path / "text.xlsx", rows), spec)


def test_header_spread_over_merged_cells(tmp_path, spec):
    """Two header rows: «Код участника» and «Класс» merged down, «Задания» merged across."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append([])
    ws.append(["ОО", "Название ОО", "Код участника", "Класс", "Задания", None, None, "Первичный балл", "Отметка"])
    ws.append([None, None, None, None, "1 (1б)", "2 (2б)", "3 (2б)", None, None])
    for c in ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:H4", "I3:I4"):
        ws.merge_cells(c)
    for r in ROWS:
        ws.append(r)
    wb.save(tmp_path / "merged.xlsx")
    accepted(tmp_path / "merged.xlsx", spec)


def test_hidden_and_extra_sheets(tmp_path, spec):
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Служебный"
    hidden.append(["Код участника", "Класс", "1 (1б)"])
    hidden.append(["шаблон", "", "?"])
    hidden.sheet_state = "hidden"
    notes = wb.create_sheet("Инструкция")
    notes.append(["Заполните лист «Результаты»."])
    ws = wb.create_sheet("Результаты")
    for line in [[TITLE], [], HEADER] + ROWS:
        ws.append(line)
    wb.save(tmp_path / "sheets.xlsx")
    accepted(tmp_path / "sheets.xlsx", spec)


def test_one_sheet_per_class(tmp_path, spec):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for cls in ("4А", "4Б"):
        ws = wb.create_sheet(cls)
        for line in [[TITLE], [], HEADER] + [r for r in ROWS if r[3] == cls]:
            ws.append(line)
    wb.save(tmp_path / "classes.xlsx")
    accepted(tmp_path / "classes.xlsx", spec)
    # The same code twice in one school across sheets is still caught.
    ws = wb["4Б"]
    ws.append(["edu700101", "МБОУ «Зырянская СОШ»", "10001", "4Б", 1, 1, 1, 3, 4])
    wb.save(tmp_path / "classes-dup.xlsx")
    code, out = check(tmp_path / "classes-dup.xlsx", spec)
    assert code != 0 and "лист «4Б»" in out and "10001 уже встречался" in out, out


def test_trailing_empty_rows_and_columns(tmp_path, spec):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in [[TITLE], [], HEADER + [None, None]] + [r + [None, ""] for r in ROWS]:
        ws.append(line)
    for r in range(len(ROWS) + 4, len(ROWS) + 40):
        ws.cell(row=r, column=1).value = None
        ws.cell(row=r, column=14).value = ""
        ws.cell(row=r, column=2).number_format = "0.00"
    wb.save(tmp_path / "trailing.xlsx")
    accepted(tmp_path / "trailing.xlsx", spec)


def test_csv_with_every_field_quoted(tmp_path, spec):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow([TITLE])
    w.writerow(HEADER)
    for r in ROWS:
        w.writerow(r)
    path = tmp_path / "quoted.csv"
    path.write_bytes(buf.getvalue().encode("cp1251"))
    accepted(path, spec)


def test_sch_logins(tmp_path, spec):
    rows = [["sch701000" if r[0] == "edu700101" else r[0]] + r[1:] for r in ROWS]
    accepted(plain(tmp_path / "sch.xlsx", rows), spec)


def convert(src, fmt, outdir):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    profile = f"file://{outdir}/lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + fmt)


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_legacy_formats_through_libreoffice(tmp_path, spec, fmt):
    made = convert(plain(tmp_path / "book.xlsx"), fmt, tmp_path)
    assert made.exists()
    accepted(made, spec)
    # Without LibreOffice: a clear refusal saying how to save as XLSX.
    env = {"MSOKO_SOFFICE": "/nonexistent/soffice"}
    p = run(["check", "results", str(made), "--spec", spec], check=False, env_extra=env)
    assert p.returncode != 0 and "сохраните его как «Книга Excel (.xlsx)»" in p.stdout + p.stderr, p.stdout + p.stderr
