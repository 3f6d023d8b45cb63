"""Eight concurrent 200 000-row results uploads against a running msoko (release build, demo
district, SQLite), while another user keeps opening pages. Passes when no request gets a 5xx
and the other user's pages keep answering. Loopback only; bounded in count and time.

    python3 scripts/bench/load_uploads.py --bin .build/release/msoko [--rows 200000] [--uploads 8]
"""
import argparse
import csv
import http.cookiejar
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "e2e"))
from conftest import free_port  # noqa: E402
from test_hardening import Client  # noqa: E402


def wait_up(base, proc):
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except Exception:
            if proc.poll() is not None:
                raise SystemExit("msoko serve exited")
            time.sleep(0.3)
    raise SystemExit("msoko serve did not start")


def start_demo(binary, prefix):
    """`msoko serve --demo` on SQLite in a new data folder and a free loopback port, once it answers:
    (base URL, process, data folder)."""
    data = tempfile.mkdtemp(prefix=prefix)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen([binary, "serve", "--demo", "--data", data, "--port", str(port)], env=env,
                            stdout=open(os.path.join(data, "server.log"), "w"), stderr=subprocess.STDOUT)
    wait_up(base, proc)
    return base, proc, data


def big_file(client, procedure, rows):
    """The procedure's own export, its works repeated under new participant codes."""
    with client.opener.open(client.base + f"/procedures/{procedure}/export/csv", timeout=60) as r:
        text = r.read().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header_at = next(i for i, l in enumerate(lines) if "Код участника" in l)
    head, works = lines[:header_at + 1], [l for l in lines[header_at + 1:] if any(l)]
    code = lines[header_at].index("Код участника")
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerows(head)
    for k in range(rows):
        line = list(works[k % len(works)])
        line[code] = f"L{k:07d}"
        w.writerow(line)
    return out.getvalue().encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/msoko")
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--uploads", type=int, default=8)
    args = ap.parse_args()
    base, proc, _ = start_demo(args.bin, "msoko-load-")
    try:
        specialist = Client(base)
        specialist.login("specialist")
        page = specialist.get("/procedures")
        procedure = re.findall(r'href="/procedures/([0-9A-Fa-f-]{36})"', page)[0]
        body = big_file(specialist, procedure, args.rows)
        print(f"file: {args.rows} rows, {len(body) / 1e6:.1f} MB")
        other = Client(base)
        other.login("head-mih")
        results, pages, stop = [], [], threading.Event()

        # Signed in one after another: simultaneous sign-ins of one account from one address count
        # as attempts against the throttle (docs/security.md).
        clients = []
        for _ in range(args.uploads):
            c = Client(base)
            c.login("specialist")
            clients.append(c)

        def upload(k):
            c = clients[k]
            start = time.time()
            status, text = c.upload(f"/procedures/{procedure}/results", f"load-{k}.csv", body)
            results.append((status, time.time() - start, "принят" in text or status == 303))

        def browse():
            while not stop.is_set():
                for path in ("/tasks", "/procedures", "/calendar"):
                    start = time.time()
                    try:
                        with other.opener.open(base + path, timeout=120) as r:
                            status = r.status
                            r.read()
                    except urllib.error.HTTPError as e:
                        status = e.code
                    pages.append((path, status, time.time() - start))
                time.sleep(0.2)

        browser = threading.Thread(target=browse)
        browser.start()
        threads = [threading.Thread(target=upload, args=(k,)) for k in range(args.uploads)]
        start = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=1800)
        total = time.time() - start
        stop.set()
        browser.join(timeout=120)
        lat = sorted(p[2] for p in pages)
        print(f"uploads: {[r[0] for r in results]} in {total:.1f} s; each {statistics.median(r[1] for r in results):.1f} s median, "
              f"{max(r[1] for r in results):.1f} s the last")
        print(f"other user's pages during the uploads: {len(pages)} requests, statuses {sorted(set(p[1] for p in pages))}, "
              f"median {statistics.median(lat) * 1000:.0f} ms, p95 {lat[int(len(lat) * 0.95)] * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
        bad = [r for r in results if r[0] >= 500] + [p for p in pages if p[1] >= 500]
        if bad or len(results) != args.uploads:
            print(f"FAILED: {bad}")
            return 1
        print("load: ok")
        return 0
    finally:
        proc.terminate()
        proc.wait(20)


if __name__ == "__main__":
    sys.exit(main())
