"""The analysis `msoko analyze --format json` writes, computed with DuckDB SQL (grouping sets over
district, school and class), for the benchmark and the agreement test.
Usage: duckdb_analyze.py SPEC.json RESULTS.csv OUT.json"""
import json, sys
import duckdb

spec = json.load(open(sys.argv[1], encoding="utf-8"))
tasks = spec["tasks"]
scale = spec.get("scale") or {"3": 10**9, "4": 10**9, "5": 10**9}
with open(sys.argv[2], encoding="utf-8-sig") as f:
    for skip, line in enumerate(f):
        if "Код участника" in line:
            header = [c.strip() for c in line.rstrip("\r\n").split(";")]
            break
con = duckdb.connect()
con.execute(f"""CREATE VIEW raw AS SELECT * FROM read_csv('{sys.argv[2]}', delim=';', skip={skip}, header=true, all_varchar=true, quote='"')""")
task_cols = []
for t in tasks:
    col = next(c for c in header if c.split("(")[0].strip().replace("K", "К") == t["number"])
    task_cols.append((t, col))
score = lambda col: f"""CAST(CASE WHEN trim("{col}") IN ('X','x','Х','х') THEN '0' ELSE trim("{col}") END AS INTEGER)"""
task_sql = ", ".join(f'{score(col)} AS "t{i}"' for i, (t, col) in enumerate(task_cols))
primary = " + ".join(f'"t{i}"' for i in range(len(tasks)))
con.execute(f"""CREATE TABLE w AS SELECT lower(trim("ОО")) AS school, upper(replace("Класс", ' ', '')) AS cls, {task_sql},
    TRY_CAST(NULLIF(trim("Отметка по журналу"), '') AS INTEGER) AS journal FROM raw""")
con.execute(f"""CREATE TABLE w2 AS SELECT *, {primary} AS prim FROM w""")
con.execute(f"""CREATE TABLE w3 AS SELECT *, CASE WHEN prim >= {scale['5']} THEN 5 WHEN prim >= {scale['4']} THEN 4 WHEN prim >= {scale['3']} THEN 3 ELSE 2 END AS mark FROM w2""")
sums = ", ".join(f'sum("t{i}") AS "t{i}"' for i in range(len(tasks)))
rows = con.execute(f"""SELECT school, cls, grouping(school) AS gs, grouping(cls) AS gc, count(*) AS n, sum(prim) AS prim, {sums},
    count(*) FILTER (mark = 2), count(*) FILTER (mark = 3), count(*) FILTER (mark = 4), count(*) FILTER (mark = 5),
    count(*) FILTER (journal IS NOT NULL AND mark < journal), count(*) FILTER (mark = journal), count(*) FILTER (journal IS NOT NULL AND mark > journal),
    min(rowid) AS first
    FROM w3 GROUP BY GROUPING SETS ((), (school), (school, cls))""").fetchall()
hist = con.execute("""SELECT school, cls, grouping(school), grouping(cls), prim, count(*) FROM w3
    GROUP BY GROUPING SETS ((prim), (school, prim), (school, cls, prim))""").fetchall()
h = {}
for school, cls, gs, gc, p, c in hist:
    key = (None, None) if gs else (school, None) if gc else (school, cls)
    h.setdefault(key, {})[p] = c
nt = len(tasks)
def figures(r, key):
    n = r[4]
    return {
        "participants": n,
        "marks": {str(m): r[6 + nt + m - 2] for m in (2, 3, 4, 5)} if spec.get("scale") else None,
        "meanPrimaryScore": r[5] / n,
        "taskCompletion": {t["number"]: r[6 + i] / (n * t["max"]) for i, t in enumerate(tasks)},
        "scoreHistogram": {str(k): v for k, v in sorted(h[key].items())},
        "journal": {"lower": r[10 + nt], "same": r[11 + nt], "higher": r[12 + nt]},
        "smallGroup": "suppressed" if n < 10 else "limited" if n < 20 else None,
    }
district = [r for r in rows if r[2] == 1]
schools = sorted((r for r in rows if r[2] == 0 and r[3] == 1), key=lambda r: r[-1])
classes = {}
for r in rows:
    if r[2] == 0 and r[3] == 0:
        classes.setdefault(r[0], []).append(r)
groups = [dict(level="district", school=None, **{"class": None}, **figures(district[0], (None, None)))]
for s in schools:
    groups.append(dict(level="school", school=s[0], **{"class": None}, **figures(s, (s[0], None))))
    for c in sorted(classes[s[0]], key=lambda r: r[1]):
        groups.append(dict(level="class", school=s[0], **{"class": c[1]}, **figures(c, (s[0], c[1]))))
out = {"procedure": {k: spec[k] for k in ("type", "year", "subject", "grade")}, "groups": groups}
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
