"""deploy/nginx/uhapo.conf on loopback in front of gunicorn, and visitors to it.

`render_site` changes the site file's listen addresses, certificate and log paths and upstream
address, nothing else. gunicorn runs as production does (gunicorn.conf.py, debug off, behind a
proxy) on the PostgreSQL test database, with a Redis of its own for the cache, so the rate
limits and the lockout are counted where the test can wipe them.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.booking.test_worker import Redis, wait_until
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SITE_FILE = ROOT / "deploy" / "nginx" / "uhapo.conf"
NGINX = os.environ.get("UHAPO_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "care.uhapo.example"
ORIGIN = f"https://{HOST}"
# Booking posts per address, per day. A day, not an hour: django-ratelimit starts each key's
# window at a moment of its own, and a reset falling between two posts of one test is then a
# once-a-day chance rather than once an hour.
BOOKING_LIMIT = 3
# The WhatsApp webhook's secrets, so its calls can be signed through nginx.
WEBHOOK_SECRET = "proxy-test-app-secret"
WEBHOOK_VERIFY_TOKEN = "proxy-test-verify-token"


# --- The site file, for loopback ------------------------------------------------------


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def render_site(
    source: str,
    *,
    http_port: int,
    https_port: int,
    upstream: str,
    certificate: Path,
    key: Path,
    access_log: Path,
    ipv6: bool,
) -> str:
    """deploy/nginx/uhapo.conf with loopback addresses and the test's files, nothing else.

    Fails if the file no longer has the shape this expects, rather than test something else.
    """
    v6_http = f"[::1]:{http_port}" if ipv6 else None
    v6_https = f"[::1]:{https_port}" if ipv6 else None
    rules: list[tuple[str, str, str | None]] = [
        (r"listen 80\b", "listen 80", f"listen 127.0.0.1:{http_port}"),
        (r"listen 443\b", "listen 443", f"listen 127.0.0.1:{https_port}"),
        (r"listen \[::\]:80\b", "listen [::]:80", v6_http and f"listen {v6_http}"),
        (r"listen \[::\]:443\b", "listen [::]:443", v6_https and f"listen {v6_https}"),
        (
            r"ssl_certificate /etc/letsencrypt/live/care\.uhapo\.example/fullchain\.pem;",
            "ssl_certificate",
            f"ssl_certificate {certificate};",
        ),
        (
            r"ssl_certificate_key /etc/letsencrypt/live/care\.uhapo\.example/privkey\.pem;",
            "ssl_certificate_key",
            f"ssl_certificate_key {key};",
        ),
        (r"server 127\.0\.0\.1:8000;", "upstream server", f"server {upstream};"),
        (
            r"access_log /var/log/nginx/uhapo\.access\.log\b",
            "access_log",
            f"access_log {access_log}",
        ),
    ]
    used = dict.fromkeys((name for _, name, _ in rules), 0)
    lines = []
    for line in source.splitlines():
        for pattern, name, replacement in rules:
            if re.search(pattern, line):
                used[name] += 1
                if replacement is None:
                    line = None  # no IPv6 loopback on this machine: that listen line goes
                else:
                    line = re.sub(pattern, lambda _m, r=replacement: r, line)
                break
        if line is not None:
            lines.append(line)
    unused = [name for name, count in used.items() if not count]
    assert not unused, f"{SITE_FILE} no longer has {unused}: update render_site to match"
    rendered = "\n".join(lines) + "\n"
    directives = re.sub(r"#.*", "", rendered)
    leftovers = re.findall(r"/etc/letsencrypt|/var/log/nginx|127\.0\.0\.1:8000", directives)
    assert not leftovers, f"render_site left production paths in place: {leftovers}"
    return rendered


def nginx_main_conf(tmp: Path, site: Path) -> str:
    """A top-level nginx.conf like Debian's, with every file it writes in `tmp`."""
    # As root, nginx would otherwise run its workers as nobody, who cannot read tmp.
    user = "user root;" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
daemon off;
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{
    worker_connections 256;
}}
http {{
    # Debian's /etc/nginx/nginx.conf http block, which includes the site in production.
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {tmp / "access.log"};
    gzip on;
    client_body_temp_path {tmp / "client_body"};
{temp_paths}
    include {site};
}}
"""


# --- The stack: Redis, gunicorn, nginx ----------------------------------------------------


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Stack:
    tmp: Path
    http_port: int
    https_port: int
    certificate: Path
    redis: Redis
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def access_log(self) -> Path:
        return self.tmp / "uhapo.access.log"

    def log(self, name: str) -> str:
        path = self.tmp / name
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _collected_static() -> None:
    # gunicorn runs with debug off: pages name hashed files from the manifest.
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)


def _certificate(tmp: Path) -> tuple[Path, Path]:
    certificate, key = tmp / "fullchain.pem", tmp / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def _start_gunicorn(stack: Stack, port: int) -> None:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "proxy-test-" + "k3y-f0r-the-nginx-tests-only-9a8b7c6d5e4f" * 2,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_BEHIND_PROXY": "true",
        "TRUSTED_PROXY_COUNT": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CACHE_URL": f"redis://127.0.0.1:{stack.redis.port}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{stack.redis.port}/1",
        "BOOKING_RATE_LIMIT_IP": f"{BOOKING_LIMIT}/d",
        "WHATSAPP_APP_SECRET": WEBHOOK_SECRET,
        "WHATSAPP_VERIFY_TOKEN": WEBHOOK_VERIFY_TOKEN,
        "UHAPO_VAR_DIR": str(stack.tmp / "var"),
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONUNBUFFERED": "1",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    log = open(stack.tmp / "gunicorn.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "uhapo.wsgi",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    stack.procs.append(proc)
    try:
        wait_until(lambda: proc.poll() is not None or _port_open(port), timeout=30)
    finally:
        log.close()
    assert proc.poll() is None, f"gunicorn exited:\n{stack.log('gunicorn.log')}"


def _start_nginx(stack: Stack, upstream_port: int, key: Path) -> None:
    site = stack.tmp / "uhapo.conf"
    site.write_text(
        render_site(
            SITE_FILE.read_text(),
            http_port=stack.http_port,
            https_port=stack.https_port,
            upstream=f"127.0.0.1:{upstream_port}",
            certificate=stack.certificate,
            key=key,
            access_log=stack.access_log,
            ipv6=_ipv6_loopback(),
        )
    )
    main = stack.tmp / "nginx.conf"
    main.write_text(nginx_main_conf(stack.tmp, site))
    command = [NGINX, "-p", str(stack.tmp), "-c", str(main)]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, f"nginx refused the configuration:\n{check.stderr}"
    log = open(stack.tmp / "nginx.out", "ab")  # noqa: SIM115
    proc = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    stack.procs.append(proc)
    try:
        wait_until(
            lambda: (
                proc.poll() is not None
                or (_port_open(stack.https_port) and _port_open(stack.http_port))
            ),
            timeout=15,
        )
    finally:
        log.close()
    assert proc.poll() is None, f"nginx exited:\n{stack.log('nginx.out')}{stack.log('error.log')}"


def start_stack(tmp: Path) -> Stack:
    """Redis, gunicorn, then nginx in front of it; `stop_stack` ends them in reverse."""
    _collected_static()
    certificate, key = _certificate(tmp)
    stack = Stack(
        tmp=tmp,
        http_port=free_port(),
        https_port=free_port(),
        certificate=certificate,
        redis=Redis(tmp),
    )
    try:
        stack.redis.start()
        upstream_port = free_port()
        _start_gunicorn(stack, upstream_port)
        _start_nginx(stack, upstream_port, key)
    except BaseException:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: Stack) -> None:
    for proc in reversed(stack.procs):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
    stack.redis.stop()


# --- Visitors -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


class _LoopbackHTTPS(http.client.HTTPSConnection):
    """HTTPS to nginx on 127.0.0.1, asking for a name (SNI) as a browser would."""

    def __init__(self, port: int, source: str, context: ssl.SSLContext, server_name: str):
        super().__init__("127.0.0.1", port, timeout=15, source_address=(source, 0), context=context)
        self.server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.server_name)


def tls_context(stack: Stack, **options) -> ssl.SSLContext:
    """Trusts only the test's certificate, and checks that it names care.uhapo.example."""
    context = ssl.create_default_context(cafile=str(stack.certificate))
    for name, value in options.items():
        setattr(context, name, value)
    return context


@dataclass
class Visitor:
    """One browser on its own loopback address, keeping its cookies."""

    stack: Stack
    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def _send(self, conn: http.client.HTTPConnection, method, path, body, headers, host):
        headers = {"Host": host, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            answer = Answer(
                response.status, response.headers, response.read().decode(errors="replace")
            )
        finally:
            conn.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return answer

    def connection(self, server_name: str = HOST) -> http.client.HTTPSConnection:
        return _LoopbackHTTPS(
            self.stack.https_port, self.address, tls_context(self.stack), server_name
        )

    def https(self, method, path, *, body=None, headers=None, host=HOST, server_name=HOST):
        return self._send(self.connection(server_name), method, path, body, headers, host)

    def http(self, method, path, *, host=HOST) -> Answer:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.stack.http_port, timeout=15, source_address=(self.address, 0)
        )
        return self._send(conn, method, path, None, None, host)

    def form_token(self, path: str) -> str:
        page = self.https("GET", path)
        assert page.status == 200, (page.status, page.body[:500])
        assert "csrftoken" in self.cookies
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)

    def post_form(self, path: str, data: dict, *, token: str, headers=None) -> Answer:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token})
        return self.https(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{ORIGIN}{path}",
                **(headers or {}),
            },
        )
