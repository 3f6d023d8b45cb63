"""Page speed on the demo district: a release build of msoko on SQLite, loaded with wrk at
64 connections on loopback for 20 s per page (two threads), anonymous for a static file, the
login page and the public pages (`--only public`: these and the static file alone), signed in as
the specialist for the dashboard, a procedure's analysis pages (the district's, a school's, and the
school's own for its head), its objectivity list and a school's card, and the objectivity of every
procedure. Prints requests per second and p50/p99 latency per page as a Markdown table.
Loopback only; every wrk run is bounded in time and the server is stopped at the end.

    python3 scripts/bench/pages.py --bin .build/release/msoko [--seconds 20] [--connections 64]

The procedure is the demo's with the most works (ВПР 2026, математика, 4 класс today), found on
the procedures list so the script does not depend on identifiers.

`--region` (issue 19 §3): the same pages at a region's scale, on PostgreSQL. A private PostgreSQL
cluster is made in a temporary folder on a free loopback port (as scripts/test.sh does; needs
PostgreSQL 15 and root for `su postgres`), `msoko bench region` fills it (300 schools, 12 more
procedures, about 400 000 works), and the pages of its largest procedure are timed: the district's
analysis (300 schools), a school's analysis for the specialist and for the school's head, the
objectivity list, a school's card, the objectivity of every procedure and the dashboard. Then one
browser upload of a 200 000-work file (`--upload-rows`), timed end to end.

    python3 scripts/bench/pages.py --bin .build/release/msoko --region [--seconds 20]
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
from load_uploads import big_file, start_demo, wait_up  # noqa: E402
from conftest import free_port  # noqa: E402

PG = "/usr/lib/postgresql/15/bin"


def start_postgres():
    """A private PostgreSQL cluster in a temporary folder on a free loopback port: (URL, stop)."""
    import tempfile
    folder = tempfile.mkdtemp(prefix="msoko-pages-pg-")
    port = free_port()
    for sub in ("data", "sock"):
        os.makedirs(os.path.join(folder, sub))
    subprocess.run(["chown", "-R", "postgres:postgres", folder], check=True)
    subprocess.run(["su", "postgres", "-c", f"{PG}/initdb -D {folder}/data -A trust -U postgres"], check=True, capture_output=True)
    subprocess.run(["su", "postgres", "-c", f"{PG}/pg_ctl -D {folder}/data -o '-p {port} -k {folder}/sock -c listen_addresses=127.0.0.1' "
                    f"-l {folder}/pg.log -w start"], check=True, capture_output=True)

    def stop():
        subprocess.run(["su", "postgres", "-c", f"{PG}/pg_ctl -D {folder}/data -m fast -w stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    return f"postgres://postgres@127.0.0.1:{port}/postgres", stop


def start_region(binary):
    """A region in PostgreSQL (`msoko bench region`) served by msoko: (base URL, process, stop)."""
    url, stop_pg = start_postgres()
    env = dict(os.environ, DATABASE_URL=url)
    try:
        started = time.time()
        out = subprocess.run([binary, "bench", "region"], env=env, capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise SystemExit("msoko bench region failed:\n" + out.stdout + out.stderr)
        print(out.stdout.strip().splitlines()[-1])
        print(f"region generated and imported in {time.time() - started:.0f} s\n")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(os.path.join("/tmp", f"msoko-pages-region-{port}.log"), "w")
        proc = subprocess.Popen([binary, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_up(base, proc)
        return base, proc, stop_pg
    except BaseException:
        stop_pg()
        raise


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
    ap.add_argument("--region", action="store_true", help="a region's scale on PostgreSQL (msoko bench region)")
    ap.add_argument("--upload-rows", type=int, default=200_000, help="--region: works in the browser upload timed at the end (0: none)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if args.region:
        return region(args)
    base, proc, data = start_demo(args.bin, "msoko-pages-")
    try:
        client, head, procedure = sign_in(base)
        cookie = client.cookie_header()
        pages = [
            ("static file /static/msoko.css", "/static/msoko.css", None),
            ("login page /login", "/login", None),
        ] + signed_in_pages(procedure, cookie, head.cookie_header(), "district") + [

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
        return 1 if time_pages(base, pages, {cookie: client, head.cookie_header(): head}, args) else 0
    finally:
        proc.terminate()
        proc.wait(20)
        shutil.rmtree(data, ignore_errors=True)


def sign_in(base):
    """The specialist and the head of edu700102 signed in, and the procedure with the most works
    (found on the procedures list, so the script does not depend on identifiers)."""
    specialist, head = Client(base), Client(base)
    specialist.login("specialist")
    head.login("head-mih")
    listing = specialist.get("/procedures")
    rows = re.findall(r'href="/procedures/([0-9A-Fa-f-]{36})">(.*?)</a>.*?<td class="num">(\d+)</td></tr>', listing)
    procedure, title, works = max(rows, key=lambda r: int(r[2]))
    print(f"procedure: {title} ({works} works), {len(rows)} procedures\n")
    return specialist, head, procedure


def signed_in_pages(procedure, specialist, head, scale):
    """The pages issue 19 §3 times signed in: (label, path, cookie of the specialist or the head)."""
    return [
        ("dashboard / (specialist)", "/", specialist),
        (f"analysis, the {scale}", f"/procedures/{procedure}/analysis", specialist),
        ("analysis, a school (specialist)", f"/procedures/{procedure}/analysis/schools/edu700102", specialist),
        ("analysis, own school (head)", f"/procedures/{procedure}/analysis/schools/edu700102", head),
        ("objectivity list of the procedure", f"/procedures/{procedure}/objectivity", specialist),
        ("objectivity card of a school", f"/procedures/{procedure}/objectivity/schools/edu700102", specialist),
        ("objectivity of every procedure /objectivity", "/objectivity", specialist),
    ]


def time_pages(base, pages, clients, args):
    """wrk on each page; a Markdown table with each page's rate against the static file's (the
    first row). Returns whether any request failed."""
    print("| page | requests/s | ÷ static | p50, ms | p99, ms |")
    print("|---|---|---|---|---|")
    failed, static = False, None
    # Every page must answer 200 for its user (or the anonymous visitor) before any is timed: this
    # also waits for what the server computes when it starts (the kept analyses).
    for label, path, c in pages:
        opener = clients[c].opener if c else urllib.request.build_opener()
        with opener.open(base + path, timeout=600) as r:
            assert r.status == 200, (path, r.status)
    for label, path, c in pages:
        rps, p50, p99, non2xx, errors = run_wrk(base + path, args.seconds, args.connections, c)
        static = static or rps
        note = f" ({non2xx} non-2xx)" if non2xx else ""
        failed |= non2xx > 0
        print(f"| {label}{note} | {rps:.0f} | {rps / static:.2f} | {p50:.1f} | {p99:.1f} |", flush=True)
        if errors:
            print(f"  {errors}")
    return failed


def region(args):
    base, proc, stop_pg = start_region(args.bin)
    try:
        specialist, head, procedure = sign_in(base)
        s, h = specialist.cookie_header(), head.cookie_header()
        clients = {s: specialist, h: head}
        pages = [("static file /static/msoko.css", "/static/msoko.css", None)] + signed_in_pages(procedure, s, h, "district of 300 schools")
        failed = time_pages(base, pages, clients, args)
        if args.upload_rows:
            body = big_file(specialist, procedure, args.upload_rows)
            started = time.time()
            status, text = specialist.upload(f"/procedures/{procedure}/results", "region-upload.csv", body)
            took = time.time() - started
            ok = status in (200, 303) and "не принят" not in text
            print(f"\nbrowser upload of {args.upload_rows} works ({len(body) / 1e6:.1f} MB) on PostgreSQL: "
                  f"{took:.1f} s end to end, {'accepted' if ok else f'FAILED ({status})'}")
            failed |= not ok
        return 1 if failed else 0
    finally:
        proc.terminate()
        proc.wait(20)
        stop_pg()


if __name__ == "__main__":
    sys.exit(main())
