"""`msoko analyze`: the JSON agrees with an independent pandas computation on generated data, the
same from XLSX and CSV; bad input gets import's errors and exit status 1; the справка opens in
python-docx and converts to PDF in LibreOffice; the XLSX opens in openpyxl."""
import json
import os
import shutil
import subprocess
import sys

import docx
import openpyxl

from conftest import run

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "bench"))
from compare_analysis import differences  # noqa: E402


def generated(datadir, rows=3000):
    run(["bench", "generate", "--rows", str(rows), "--out", datadir])
    return os.path.join(datadir, "spec.json"), os.path.join(datadir, "results.csv"), os.path.join(datadir, "results.xlsx")


def test_json_agrees_with_pandas_and_xlsx_with_csv(datadir):
    spec, csv, xlsx = generated(datadir)
    out = run(["analyze", "--spec", spec, csv]).stdout
    ours = json.loads(out)
    assert ours["procedure"] == {"type": "ВПР", "year": 2026, "subject": "Математика", "grade": 4, "maxScore": 17}
    levels = [g["level"] for g in ours["groups"]]
    assert levels[0] == "district" and levels.count("school") == 30 and levels.count("class") == 60
    district = ours["groups"][0]
    assert district["participants"] == 3000 and sum(district["marks"].values()) == 3000
    assert sum(district["scoreHistogram"].values()) == 3000
    # Objectivity: one entry per school and per class, always present.
    objectivity = ours["objectivity"]
    assert len(objectivity) == 90 and sum(1 for o in objectivity if o["class"] is None) == 30
    for o in objectivity:
        assert 0 <= o["risk"] <= 1
        for sig in o["signals"] + o["weakSignals"]:
            assert set(sig) >= {"indicator", "value", "threshold", "reference", "explanation"}
        if o["note"] is None:
            assert {c["indicator"] for c in o["contributions"]} >= {"highResults", "personFit", "identicalPatterns"}
    # A graded risk: no single value shared by more than a tenth of the assessed schools.
    risks = [o["risk"] for o in objectivity if o["class"] is None and o["note"] is None]
    assert risks and max(risks.count(r) for r in risks) <= 0.1 * len(risks)
    # Deterministic to the last digit.
    assert run(["analyze", "--spec", spec, csv]).stdout == out
    reference = os.path.join(datadir, "pandas.json")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "..", "scripts", "bench", "pandas_analyze.py"), spec, csv, reference], check=True, timeout=300)
    with open(reference, encoding="utf-8") as f:
        assert differences(ours, json.load(f)) == []
    from_xlsx = json.loads(run(["analyze", "--spec", spec, xlsx]).stdout)
    assert from_xlsx == ours
    # --details adds completion by mark groups (made only then) and planned results, the rest unchanged:
    # each task's points by mark add up to its points over all works.
    detailed = json.loads(run(["analyze", "--details", "--spec", spec, csv]).stdout)
    with open(spec, encoding="utf-8") as f:
        maxes = {t["number"]: t["max"] for t in json.load(f)["tasks"]}
    for g in detailed["groups"]:
        by_mark, requirements = g.pop("taskCompletionByMark"), g.pop("requirements")
        assert set(by_mark) == {"2", "3", "4", "5"} and requirements
        for task, m in maxes.items():
            points = sum((by_mark[k][task] or 0) * g["marks"][k] * m for k in "2345")
            assert abs(points - g["taskCompletion"][task] * g["participants"] * m) < 1e-6, (g["school"], g["class"], task)
    assert detailed == ours


def test_out_is_written_in_place_not_replaced(datadir):
    """--out is written in place: a symbolic link stays a link and the file it points to gets the
    JSON (a rename over the path, as FileManager.createFile does, replaced the link — and, run as
    root with --out /dev/null, the device itself). The file is written over from its start and cut
    to the new length at the end (not cut to nothing when opened: OutputFile), so a longer earlier
    content leaves nothing behind, and /dev/null takes the output like any file."""
    spec, csv, _ = generated(datadir)
    target = os.path.join(datadir, "target.json")
    link = os.path.join(datadir, "link.json")
    with open(target, "w", encoding="utf-8") as f:
        f.write("старое содержимое " * 400000)
    os.symlink(target, link)
    run(["analyze", "--spec", spec, "--out", link, csv])
    assert os.path.islink(link)
    expected = run(["analyze", "--spec", spec, csv]).stdout.encode("utf-8")
    with open(target, "rb") as f:
        assert f.read() == expected
    with open(target, encoding="utf-8") as f:
        assert json.load(f)["groups"][0]["participants"] == 3000
    # Shorter again (a subset of the works): the second run's bytes and nothing after them.
    small = os.path.join(datadir, "small.csv")
    with open(csv, encoding="utf-8") as f:
        lines = f.readlines()
    with open(small, "w", encoding="utf-8") as f:
        f.writelines(lines[:200])
    run(["analyze", "--spec", spec, "--out", target, small])
    with open(target, "rb") as f:
        assert f.read() == run(["analyze", "--spec", spec, small]).stdout.encode("utf-8")
    run(["analyze", "--spec", spec, "--out", "/dev/null", csv])
    assert not os.path.isfile("/dev/null")


def test_a_full_disk_is_reported_not_ignored(datadir):
    """/dev/full refuses every write (ENOSPC): the command says so, with the path, and fails."""
    spec, csv, _ = generated(datadir)
    p = run(["analyze", "--spec", spec, "--out", "/dev/full", csv], check=False)
    assert p.returncode != 0
    assert "не удалось записать /dev/full: на диске нет места." in p.stderr


def test_thread_count_changes_nothing_and_a_bad_one_is_refused(datadir):
    # Over 1 MB, so the file is read in blocks on several threads.
    spec, csv, _ = generated(datadir, rows=40000)
    one = run(["analyze", "--spec", spec, csv], env_extra={"MSOKO_THREADS": "1"}).stdout
    assert run(["analyze", "--spec", spec, csv], env_extra={"MSOKO_THREADS": "3"}).stdout == one
    assert run(["analyze", "--threads", "2", "--spec", spec, csv]).stdout == one
    for bad in ["abc", "0", "1000"]:
        p = run(["analyze", "--spec", spec, csv], env_extra={"MSOKO_THREADS": bad}, check=False)
        assert p.returncode == 1 and p.stdout == ""
        assert f"MSOKO_THREADS: ожидается целое число от 1 до 256, задано «{bad}»." in p.stderr
    p = run(["check", "results", csv, "--spec", spec], env_extra={"MSOKO_THREADS": "x"}, check=False)
    assert p.returncode == 1 and "MSOKO_THREADS" in p.stderr


def test_bad_input_gets_import_errors_and_status_1(datadir):
    spec, csv, _ = generated(datadir, rows=200)
    with open(csv, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    cells = lines[7].split(";")
    cells[7] = "9"
    lines[7] = ";".join(cells)
    bad = os.path.join(datadir, "bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    out = os.path.join(datadir, "out.json")
    p = run(["analyze", "--spec", spec, "--out", out, bad], check=False)
    assert p.returncode == 1
    assert "bad.csv, строка 8" in p.stderr and "больше максимального (1)" in p.stderr, p.stderr
    assert not os.path.exists(out), "nothing is written for bad input"


def test_a_missing_file_or_a_folder_is_named_for_what_it_is(datadir):
    spec, csv, _ = generated(datadir, rows=200)
    missing = os.path.join(datadir, "нет.csv")
    for args, said in [(["analyze", "--spec", spec, missing], f"Ошибка: файл {missing} не найден."),
                       (["analyze", "--spec", spec, datadir], f"Ошибка: {datadir} — папка, а не файл."),
                       (["analyze", "--spec", missing, csv], f"Ошибка: файл {missing} не найден."),
                       (["check", "results", datadir, "--spec", spec], f"Ошибка: {datadir} — папка, а не файл.")]:
        p = run(args, check=False)
        assert p.returncode == 1 and p.stdout == "", p
        assert said in p.stderr, p.stderr


def test_spravka_opens_and_converts_and_tables_open(datadir):
    spec, csv, _ = generated(datadir, rows=1000)
    path = os.path.join(datadir, "справка.docx")
    run(["analyze", "--spec", spec, "--format", "docx", "--out", path, csv])
    d = docx.Document(path)
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Аналитическая справка" in text and "Выводы" in text and "Рекомендации" in text
    assert len(d.tables) >= 6
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/test.sh"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", datadir, path], check=True, timeout=180,
                   capture_output=True, env={**os.environ, "HOME": datadir})
    pdf = os.path.join(datadir, "справка.pdf")
    assert os.path.getsize(pdf) > 10000
    xlsx = os.path.join(datadir, "анализ.xlsx")
    run(["analyze", "--spec", spec, "--format", "xlsx", "--out", xlsx, csv])
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Отметки", "Задания", "Баллы", "Журнал"]
    # A title and what was analysed, an empty row, the header (row 4), the district first (row 5).
    assert wb["Отметки"].cell(4, 1).value == "ОО" and wb["Отметки"].cell(4, 1).font.bold
    assert wb["Отметки"].cell(5, 1).value == "все" and wb["Отметки"].cell(5, 4).value == 1000
    assert wb["Отметки"].freeze_panes == "A5"
