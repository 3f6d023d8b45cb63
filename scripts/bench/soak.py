"""A soak at a district's peak (issue 20 §4): `msoko serve --demo` (SQLite) for N minutes while 50
signed-in users click through pages with a second or so between clicks and 5 specialists keep
uploading results files (2 000 rows each, a new one as soon as the last is in). Reports requests,
errors (any 5xx or failed connection — must be 0), p50/p99 of pages and of uploads, and the server's
resident memory each minute (flat: the last minute's within 20 % of the second's). Loopback only.

    python3 scripts/bench/soak.py --bin .build/release/msoko [--minutes 10] [--users 50] [--uploaders 5]
"""
import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "e2e"))
from load_uploads import big_file, start_demo  # noqa: E402
from test_hardening import Client  # noqa: E402

ROLES = ["specialist", "methodist", "head-zyr", "head-mih", "teacher"]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))] * 1000 if xs else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/msoko")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--uploaders", type=int, default=5)
    args = ap.parse_args()
    base, proc, _ = start_demo(args.bin, "msoko-soak-")
    try:
        boss = Client(base)
        boss.login("specialist")
        procedure = re.findall(r'href="/procedures/([0-9A-Fa-f-]{36})"', boss.get("/procedures"))[0]
        body = big_file(boss, procedure, 2000)
        pages = {
            "specialist": ["/", "/tasks", "/procedures", f"/procedures/{procedure}", f"/procedures/{procedure}/analysis", "/objectivity", "/local-acts", "/gap-plans", "/calendar"],
            "methodist": ["/", "/tasks", "/procedures", f"/procedures/{procedure}/analysis", "/seminars", "/local-acts"],
            "head-zyr": ["/tasks", "/my-school", f"/procedures/{procedure}/analysis/schools/edu700101", "/gap-plans", "/local-acts"],
            "head-mih": ["/tasks", "/my-school", f"/procedures/{procedure}/gaps/schools/edu700102", "/local-acts"],
            "teacher": ["/tasks", f"/procedures/{procedure}/gaps/schools/edu700101/classes/4%D0%90", "/gap-plans"],
        }
        # Signed in one after another (simultaneous sign-ins of one account count as attempts).
        users = []
        for k in range(args.users):
            role = ROLES[k % len(ROLES)]
            c = Client(base)
            c.login(role)
            users.append((role, c))
        uploaders = []
        for _ in range(args.uploaders):
            c = Client(base)
            c.login("specialist")
            c.get(f"/procedures/{procedure}")
            uploaders.append(c)
        page_times, upload_times, errors, memory = [], [], [], []
        stop = threading.Event()

        def click(role, c, seed):
            rng = random.Random(seed)
            while not stop.is_set():
                path = rng.choice(pages[role])
                start = time.time()
                try:
                    with c.opener.open(base + path, timeout=60) as r:
                        r.read()
                        status = r.status
                except urllib.error.HTTPError as e:
                    status = e.code
                except Exception as e:  # noqa: BLE001
                    status = repr(e)
                page_times.append(time.time() - start)
                if not isinstance(status, int) or status >= 500:
                    errors.append((path, status))
                stop.wait(rng.uniform(0.5, 1.5))

        def upload(c):
            while not stop.is_set():
                start = time.time()
                try:
                    status, _ = c.upload(f"/procedures/{procedure}/results", "soak.csv", body)
                except Exception as e:  # noqa: BLE001
                    status = repr(e)
                upload_times.append(time.time() - start)
                if not isinstance(status, int) or status >= 500:
                    errors.append(("upload", status))
                try:
                    c.get(f"/procedures/{procedure}")  # a fresh CSRF token, as the page gives it
                except Exception as e:  # noqa: BLE001
                    errors.append(("page before upload", repr(e)))

        threads = [threading.Thread(target=click, args=(r, c, k)) for k, (r, c) in enumerate(users)]
        threads += [threading.Thread(target=upload, args=(c,)) for c in uploaders]
        for t in threads:
            t.start()
        started = time.time()
        while time.time() - started < args.minutes * 60:
            time.sleep(min(60, args.minutes * 60 - (time.time() - started)))
            memory.append(rss_mb(proc.pid))
            print(f"{(time.time() - started) / 60:.1f} min: {len(page_times)} pages, {len(upload_times)} uploads, "
                  f"{len(errors)} errors, RSS {memory[-1]:.0f} MB", flush=True)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        flat = len(memory) < 3 or memory[-1] <= memory[1] * 1.2
        print(f"\n| minutes | users | uploaders | pages | p50 | p99 | uploads | upload p50 | upload p99 | errors | RSS MB (min 1 → last) |")
        print(f"|---|---|---|---|---|---|---|---|---|---|---|")
        print(f"| {args.minutes:g} | {args.users} | {args.uploaders} | {len(page_times)} | {pct(page_times, .5):.0f} ms | {pct(page_times, .99):.0f} ms | "
              f"{len(upload_times)} | {pct(upload_times, .5):.0f} ms | {pct(upload_times, .99):.0f} ms | {len(errors)} | "
              f"{memory[0]:.0f} → {memory[-1]:.0f} |")
        if errors:
            print("errors:", errors[:20])
        print("soak:", "ok" if not errors and flat else "FAILED (errors or memory growing)")
        return 0 if not errors and flat else 1
    finally:
        proc.terminate()
        proc.wait(20)


if __name__ == "__main__":
    sys.exit(main())
