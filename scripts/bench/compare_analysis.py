"""Compares two analysis JSON files (msoko analyze and a peer) group by group on the fields every
implementation writes. Prints the first differences; exit status 1 when any. Usage: compare_analysis.py A.json B.json"""
import json, math, sys

FIELDS = ["level", "school", "class", "participants", "marks", "meanPrimaryScore", "taskCompletion", "scoreHistogram", "journal", "smallGroup"]


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(same(a.get(k, 0), b.get(k, 0)) for k in keys)
    return a == b


def differences(a, b):
    out = []
    if len(a["groups"]) != len(b["groups"]):
        out.append(f"groups: {len(a['groups'])} against {len(b['groups'])}")
    for i, (ga, gb) in enumerate(zip(a["groups"], b["groups"])):
        for f in FIELDS:
            va, vb = ga.get(f), gb.get(f)
            if f == "journal" and isinstance(va, dict) and isinstance(vb, dict):
                va = {k: va[k] for k in ("lower", "same", "higher")}
                vb = {k: vb[k] for k in ("lower", "same", "higher")}
            if not same(va, vb):
                out.append(f"group {i} ({ga.get('school')} {ga.get('class')}): {f}: {va} against {vb}")
    return out


if __name__ == "__main__":
    a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
    diff = differences(a, b)
    for line in diff[:20]:
        print(line)
    print(f"{len(a['groups'])} groups, {len(diff)} differences")
    sys.exit(1 if diff else 0)
