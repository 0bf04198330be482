"""Slow clients (issue 17 item 1): a request body that stops arriving holds no transaction, no
pooled connection and no write lock, and is cut off after the read timeout.

A real ``boa serve`` subprocess (tests/server.py) on SQLite or, in the PostgreSQL run, on a
PostgreSQL database of its own. Signed-in clients open requests over raw sockets and send half a
body (a multipart upload to ``POST /v1/transfers``, a JSON body to ``PATCH /v1/me``) and wait;
meanwhile other people's requests, reads and writes, answer within 500 ms. On PostgreSQL more slow
clients than the connection pool holds (10 + 20 overflow) are pending at once."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from tests.server import Server, login_over_http

READ_TIMEOUT = 8  # seconds, the server's BOA_BODY_READ_TIMEOUT_SECONDS here
# What "answers at once" means for another person's request: within 500 ms, or, on a machine so
# busy that the same request takes longer without any slow client, within three times that. A
# request that waits for the slow body's transaction waits for the read timeout (8 s).
PROMPT = 0.5


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("boa-slow"), name="slow",
                 BOA_BODY_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT), BOA_WORKER_IN_PROCESS="true")
    srv.start()
    srv.headers = {ident: login_over_http(srv.base, ident) for ident in ("RESA", "RESP", "STAF")}  # type: ignore[attr-defined]
    srv.project = srv.rows("SELECT number FROM projects WHERE title LIKE :t AND state = 'approved'",  # type: ignore[attr-defined]
                           t="Labour market%")[0][0]
    try:
        yield srv
    finally:
        srv.stop()


def _half_upload(srv: Server, headers: dict[str, str]) -> socket.socket:
    """The head and the first half of a multipart upload that announces 20 000 bytes."""
    boundary = "slow-boundary-1234"
    first = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"project\"\r\n\r\n{srv.project}\r\n"  # type: ignore[attr-defined]
             f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"t.csv\"\r\n"
             "Content-Type: text/csv\r\n\r\nkommune;antal\r\n").encode()
    sock = srv.connect()
    head = ["POST /v1/transfers HTTP/1.1", f"Host: 127.0.0.1:{srv.port}", "Content-Length: 20000",
            f"Content-Type: multipart/form-data; boundary={boundary}",
            *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + first)
    return sock


def _half_json(srv: Server, headers: dict[str, str]) -> socket.socket:
    sock = srv.connect()
    head = ["PATCH /v1/me HTTP/1.1", f"Host: 127.0.0.1:{srv.port}", "Content-Length: 200",
            "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b'{"language": "')
    return sock


def _answer(sock: socket.socket, seconds: float) -> bytes:
    sock.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass
    return data


def _requests(srv: Server) -> list[tuple[str, str, dict[str, str], dict | None]]:
    staff, other = srv.headers["STAF"], srv.headers["RESP"]  # type: ignore[attr-defined]
    return [("GET", "/health", {}, None), ("GET", "/v1/me", other, None), ("GET", "/v1/users?limit=5", staff, None),
            ("PATCH", "/v1/me", other, {"language": "en"})]  # a write: no lock is held elsewhere


def _timed(srv: Server, method: str, path: str, headers: dict[str, str], body: dict | None) -> float:
    started = time.monotonic()
    r = httpx.request(method, srv.base + path, headers=headers, json=body, timeout=READ_TIMEOUT * 2)
    took = time.monotonic() - started
    assert r.status_code == 200, (path, r.status_code, r.text)
    return took


def _baseline(srv: Server) -> dict[str, float]:
    """The same requests without a slow client (the second of two tries, warm)."""
    return {path: min(_timed(srv, *req) for _ in range(2)) for req in _requests(srv) for path in [req[1]]}


def _others_answer_promptly(srv: Server, baseline: dict[str, float]) -> None:
    """Another person reads and writes, and the health check answers, each within 500 ms."""
    for method, path, headers, body in _requests(srv):
        first = _timed(srv, method, path, headers, body)
        # A request that waits for the slow body's transaction waits until the read timeout cuts the
        # body off; the first try shows that. The best of three (the others are as exposed: the body
        # is still pending) is held to 500 ms, so a moment of a busy machine is not taken for it.
        assert first < READ_TIMEOUT / 2, f"{method} {path} waited {first:.2f} s for a slow body"
        took = min(first, *(_timed(srv, method, path, headers, body) for _ in range(2)))
        allowed = max(PROMPT, 3 * baseline[path])
        assert took < allowed, f"{method} {path} took {took:.2f} s while a slow body was pending"


@pytest.mark.parametrize("half", [_half_upload, _half_json], ids=["upload", "json"])
def test_a_slow_body_holds_up_nobody_and_is_cut_off(server, half):
    baseline = _baseline(server)
    sock = half(server, server.headers["RESA"])
    try:
        time.sleep(0.3)  # the server has read the head and the first part, and waits for the rest
        _others_answer_promptly(server, baseline)
        answer = _answer(sock, READ_TIMEOUT + 5)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"request_timeout" in answer
    # Nothing of the half upload was recorded.
    assert server.rows("SELECT count(*) FROM transfers")[0][0] == 0


def test_many_slow_bodies_do_not_exhaust_the_pool(server):
    """More slow clients than the pool has connections (10 + 20 overflow on PostgreSQL)."""
    baseline = _baseline(server)
    socks = [(_half_upload if i % 2 else _half_json)(server, server.headers["RESA"]) for i in range(40)]
    try:
        time.sleep(2)  # the server has taken the 40 heads (their sign-ins) and waits for the bodies
        _others_answer_promptly(server, baseline)
    finally:
        for s in socks:
            s.close()


def test_a_body_over_the_cap_is_refused_before_it_is_read(server):
    r = httpx.patch(server.base + "/v1/me", headers=server.headers["RESA"],
                    content=b'{"language": "' + b"x" * (1024 * 1024 + 10) + b'"}',
                    timeout=30)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert server.rows("SELECT language FROM users WHERE ident = 'RESA'")[0][0] in ("da", "en")
