"""The analysis `msoko analyze --format json` writes, computed with pandas, for the benchmark and the
agreement test: district, school and class groups with participants, marks, mean primary score, task
completion, score histogram, journal comparison and the small-group flag.
Usage: pandas_analyze.py SPEC.json RESULTS.csv OUT.json"""
import json, sys
import numpy as np
import pandas as pd

spec = json.load(open(sys.argv[1], encoding="utf-8"))
tasks = spec["tasks"]
scale = spec.get("scale")
# The header is the line with «Код участника»: find it, then read from there.
with open(sys.argv[2], encoding="utf-8-sig") as f:
    for skip, line in enumerate(f):
        if "Код участника" in line:
            break
df = pd.read_csv(sys.argv[2], sep=";", skiprows=skip, encoding="utf-8-sig", dtype=str, keep_default_na=False)
df["ОО"] = df["ОО"].str.strip().str.lower()
df["Класс"] = df["Класс"].str.replace(" ", "").str.upper()
cols = []
for t in tasks:
    col = next(c for c in df.columns if c.split("(")[0].strip().replace("K", "К") == t["number"])
    name = "t_" + t["number"]
    df[name] = pd.to_numeric(df[col].str.strip().replace({"X": "0", "x": "0", "Х": "0", "х": "0"}), errors="raise").astype(np.int64)
    cols.append(name)
df["primary"] = df[cols].sum(axis=1)
if scale:
    p = df["primary"]
    df["mark"] = np.where(p >= scale["5"], 5, np.where(p >= scale["4"], 4, np.where(p >= scale["3"], 3, 2)))
    for m in (2, 3, 4, 5):
        df[f"m{m}"] = (df["mark"] == m).astype(np.int64)
    j = pd.to_numeric(df["Отметка по журналу"], errors="coerce")
    has = j.notna()
    df["j_lower"] = (has & (df["mark"] < j)).astype(np.int64)
    df["j_same"] = (has & (df["mark"] == j)).astype(np.int64)
    df["j_higher"] = (has & (df["mark"] > j)).astype(np.int64)
else:
    for k in ("m2", "m3", "m4", "m5", "j_lower", "j_same", "j_higher"):
        df[k] = 0
sums = cols + ["primary", "m2", "m3", "m4", "m5", "j_lower", "j_same", "j_higher"]
maxes = {("t_" + t["number"]): t["max"] for t in tasks}

def figures(n, s, hist):
    return {
        "participants": int(n),
        "marks": {str(m): int(s[f"m{m}"]) for m in (2, 3, 4, 5)} if scale else None,
        "meanPrimaryScore": float(s["primary"]) / n,
        "taskCompletion": {t["number"]: int(s["t_" + t["number"]]) / (n * t["max"]) for t in tasks},
        "scoreHistogram": {str(int(k)): int(v) for k, v in sorted(hist.items()) if v},
        "journal": {"lower": int(s["j_lower"]), "same": int(s["j_same"]), "higher": int(s["j_higher"])},
        "smallGroup": "suppressed" if n < 10 else "limited" if n < 20 else None,
    }

groups = []
district_hist = df["primary"].value_counts().to_dict()
groups.append(dict(level="district", school=None, **{"class": None}, **figures(len(df), df[sums].sum(), district_hist)))
school_sums = df.groupby("ОО", sort=False)[sums].sum()
school_n = df.groupby("ОО", sort=False).size()
school_hist = df.groupby(["ОО", "primary"], sort=False).size()
class_sums = df.groupby(["ОО", "Класс"], sort=False)[sums].sum()
class_n = df.groupby(["ОО", "Класс"], sort=False).size()
class_hist = df.groupby(["ОО", "Класс", "primary"], sort=False).size()
sh = {}
for (school, score), v in school_hist.items():
    sh.setdefault(school, {})[score] = v
ch = {}
for (school, cls, score), v in class_hist.items():
    ch.setdefault((school, cls), {})[score] = v
classes_of = {}
for (school, cls) in class_n.index:
    classes_of.setdefault(school, []).append(cls)
for school in school_n.index:
    groups.append(dict(level="school", school=school, **{"class": None}, **figures(school_n[school], school_sums.loc[school], sh[school])))
    for cls in sorted(classes_of[school]):
        groups.append(dict(level="class", school=school, **{"class": cls}, **figures(class_n[(school, cls)], class_sums.loc[(school, cls)], ch[(school, cls)])))
out = {"procedure": {k: spec[k] for k in ("type", "year", "subject", "grade")}, "groups": groups}
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
