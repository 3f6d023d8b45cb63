"""The attack on msoko, replayed against a running server: crafted uploads must be refused with
the usual Russian page while the server stays up, and an upload's role and size are checked
before its body is read (over a real socket, where a body can be declared and not sent)."""
import http.cookiejar
import os
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request

from conftest import BIN

FUZZ_BIN = os.environ.get("MSOKO_FUZZ_BIN", os.path.join(os.path.dirname(BIN), "msoko-fuzz"))


class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = None

    def get(self, path):
        with self.opener.open(self.base + path, timeout=60) as r:
            text = r.read().decode()
        m = re.search(r'name="_csrf" value="([^"]+)"', text)
        if m:
            self.csrf = m.group(1)
        return text

    def post(self, path, form):
        data = urllib.parse.urlencode(dict(form, _csrf=self.csrf)).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def login(self, login):
        self.get("/login")
        status, _ = self.post("/login", {"login": login, "password": "demo"})
        assert status == 303, status
        self.get("/tasks")

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def upload(self, path, name, data):
        boundary = "----msokoe2e"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + path + "?_csrf=" + urllib.parse.quote(self.csrf), data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self.opener.open(req, timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_303(self, req, fp, code, msg, headers):
        return fp
    http_error_302 = http_error_301 = http_error_303


def results_path(client):
    page = client.get("/procedures")
    ids = re.findall(r'href="/procedures/([0-9A-Fa-f-]{36})"', page)
    assert ids, "the demo district has procedures"
    return f"/procedures/{ids[0]}/results"


def declared_but_not_sent(server, client, path, length):
    """Headers that declare `length` bytes, then 64 KB of them: the answer must come at once."""
    host, port = "127.0.0.1", server.port
    with socket.create_connection((host, port), timeout=10) as s:
        head = (f"POST {path}?_csrf={urllib.parse.quote(client.csrf)} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Cookie: {client.cookie_header()}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {length}\r\n\r\n")
        s.sendall(head.encode() + b"x" * 65536)
        start = time.time()
        answer = s.recv(4096).decode(errors="replace")
        return answer.split("\r\n", 1)[0], time.time() - start


def test_role_and_size_come_before_the_body(demo_server):
    teacher, specialist = Client(demo_server.base), Client(demo_server.base)
    teacher.login("teacher")
    specialist.login("specialist")
    path = results_path(specialist)
    status, took = declared_but_not_sent(demo_server, teacher, path, 95 << 20)
    assert " 403 " in status, status
    assert took < 5
    status, took = declared_but_not_sent(demo_server, specialist, path, 95 << 20)
    assert " 413 " in status, status
    assert took < 5


def test_crafted_files_are_refused_and_the_server_stays_up(demo_server, tmp_path):
    out = tmp_path / "attack"
    subprocess.run([FUZZ_BIN, "attack", "--out", str(out)], check=True, capture_output=True, timeout=300)
    head = Client(demo_server.base)
    head.login("head-zyr")
    path = results_path(head)
    names = sorted(os.listdir(out))
    assert any(n.startswith("column-ZZZZZZZ") for n in names)
    for name in names:
        if not name.endswith(".xlsx"):
            continue
        data = (out / name).read_bytes()
        start = time.time()
        status, page = head.upload(path, name, data)
        assert status in (200, 413, 422), (name, status)
        assert "Ничего не сохранено" in page or "не принят" in page, name
        assert time.time() - start < 30, name
        with urllib.request.urlopen(demo_server.base + "/healthz", timeout=5) as r:
            assert r.read() == b"ok", name
    # The roadmap loader takes the DOCX ones.
    specialist = Client(demo_server.base)
    specialist.login("specialist")
    specialist.get("/roadmap/load")
    for name in names:
        if name.endswith(".docx"):
            status, page = specialist.upload("/roadmap/load", name, (out / name).read_bytes())
            assert status in (200, 303, 422), (name, status)
            with urllib.request.urlopen(demo_server.base + "/healthz", timeout=5) as r:
                assert r.read() == b"ok", name
    assert demo_server.proc.poll() is None
