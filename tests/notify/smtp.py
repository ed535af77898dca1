"""Real SMTP servers for tests: aiosmtpd on a free port, and one that accepts connections but never answers."""
from __future__ import annotations

import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collector:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        if self.server.refuse:
            return "451 Try again later"
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.messages.append(message)
        return "250 OK"


class SMTPServer:
    """aiosmtpd collecting what it receives; ``refuse = True`` makes it answer 451 to every message."""

    def __init__(self, port: int | None = None, auth: tuple[str, str] | None = None, tls_context=None):
        self.port = port or free_port()
        self.messages: list = []
        self.lock = threading.Lock()
        self.refuse = False
        kwargs = {}
        if auth:
            def authenticator(server, session, envelope, mechanism, data):
                ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == auth
                return AuthResult(success=ok)

            kwargs = {"authenticator": authenticator, "auth_require_tls": tls_context is not None}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        self.controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


class HangingSMTPServer:
    """Accepts connections and never says a word (a hung mail server); ``release()`` closes them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connected = threading.Event()
        self.released = threading.Event()
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, timeout: float = 30) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout={timeout:g}"

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.released.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections.append(conn)
            self.connected.set()

    def start(self) -> "HangingSMTPServer":
        self.thread.start()
        return self

    def release(self) -> None:
        self.released.set()
        self.thread.join(5)
        for conn in self.connections:
            conn.close()
        self.sock.close()
