"""Page speed on the demo district: a release build of msoko on SQLite, loaded with wrk at
64 connections on loopback for 20 s per page (two threads), anonymous for a static file, the
login page and the public pages (`--only public`: these and the static file alone), signed in as
the specialist for the dashboard, a procedure's analysis page and its objectivity list. Prints requests per second and p50/p99 latency per page as a Markdown table.
Loopback only; every wrk run is bounded in time and the server is stopped at the end.

    python3 scripts/bench/pages.py --bin .build/release/msoko [--seconds 20] [--connections 64]

The procedure is the demo's with the most works (ВПР 2026, математика, 4 класс today), found on
the procedures list so the script does not depend on identifiers.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "e2e"))
from test_hardening import Client  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from load_uploads import start_demo  # noqa: E402


def to_ms(text):
    """wrk's latency as milliseconds: 812.00us, 3.21ms, 1.02s."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url, seconds, connections, cookie=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0, errors.group(0) if errors else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/msoko")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--only", choices=["all", "public"], default="all", help="public: the static file and the public pages only")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    base, proc, data = start_demo(args.bin, "msoko-pages-")
    try:
        client = Client(base)
        client.login("specialist")
        listing = client.get("/procedures")
        rows = re.findall(r'href="/procedures/([0-9A-Fa-f-]{36})">(.*?)</a>.*?<td class="num">(\d+)</td></tr>', listing)
        procedure, title, works = max(rows, key=lambda r: int(r[2]))
        print(f"procedure: {title} ({works} works)\n")
        cookie = client.cookie_header()
        pages = [
            ("static file /static/msoko.css", "/static/msoko.css", None),
            ("login page /login", "/login", None),
            ("dashboard / (specialist)", "/", cookie),
            ("analysis /procedures/…/analysis", f"/procedures/{procedure}/analysis", cookie),
            ("objectivity /procedures/…/objectivity", f"/procedures/{procedure}/objectivity", cookie),
            # Open information (4.1), anonymous: rendered from the district's snapshot.
            ("public /public", "/public", None),
            ("public schedule /public/schedule?period=all", "/public/schedule?period=all", None),
            ("public results /public/results", "/public/results", None),
            ("school's public page /public/schools/edu700101", "/public/schools/edu700101", None),
            ("school's block …/embed", "/public/schools/edu700101/embed", None),
            ("news feed /public/news.atom", "/public/news.atom", None),
        ]
        if args.only == "public":
            pages = [p for p in pages if p[2] is None and p[1] != "/login"]
        print(f"| page | requests/s | p50, ms | p99, ms |")
        print("|---|---|---|---|")
        failed = False
        for label, path, c in pages:
            # The page must answer 200 for this user (or the anonymous visitor) before it is timed.
            opener = client.opener if c else urllib.request.build_opener()
            with opener.open(base + path, timeout=60) as r:
                assert r.status == 200, (path, r.status)
            rps, p50, p99, non2xx, errors = run_wrk(base + path, args.seconds, args.connections, c)
            note = f" ({non2xx} non-2xx)" if non2xx else ""
            failed |= non2xx > 0
            print(f"| {label}{note} | {rps:.0f} | {p50:.1f} | {p99:.1f} |", flush=True)
            if errors:
                print(f"  {errors}")
        return 1 if failed else 0
    finally:
        proc.terminate()
        proc.wait(20)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
