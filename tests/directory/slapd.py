"""A real OpenLDAP server for the directory tests and the benchmark: Debian's slapd on a free port, with a
throwaway configuration and database, loaded with a city's departments (部), sections (課) and staff."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from ldap3 import MODIFY_REPLACE, Connection, Server

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=city,dc=example"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "directory-admin"
SERVICE_DN = f"cn=wg-tracker,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-secret"
PEOPLE = f"ou=people,{SUFFIX}"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
{tls}modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {dir}/slapd.pid
sizelimit unlimited
database mdb
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {dir}/db
maxsize 1073741824
overlay ppolicy
access to attrs=userPassword by self auth by anonymous auth by * none
access to * by * read
"""


def available() -> str | None:
    """None when slapd can run here, else the reason it cannot."""
    if not Path(SLAPD).exists():
        return "slapd is not installed (Debian: apt-get install slapd)"
    if not Path("/usr/lib/ldap/back_mdb.la").exists() and not Path("/usr/lib/ldap/back_mdb.so").exists():
        return "slapd's mdb backend is missing in /usr/lib/ldap"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Slapd:
    """``url`` is plain LDAP (StartTLS offered); ``ldaps_url`` is LDAPS, with a certificate for ``localhost``
    signed by nobody the system trusts: ``ca_file`` is that certificate, as a city's own CA would be."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="wg-slapd-"))
        self.port = _free_port()
        self.tls_port = _free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.ldaps_url = f"ldaps://localhost:{self.tls_port}"
        self.starttls_url = f"ldap://localhost:{self.port}"
        self.ca_file: str | None = None
        self.process: subprocess.Popen | None = None

    def _certificate(self) -> str:
        """slapd.conf lines for a self-signed certificate of localhost, or "" without openssl."""
        openssl = shutil.which("openssl")
        if not openssl:
            return ""
        cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        self.ca_file = str(cert)
        return f"TLSCertificateFile {cert}\nTLSCertificateKeyFile {key}\n"

    def start(self) -> "Slapd":
        (self.dir / "db").mkdir()
        conf = self.dir / "slapd.conf"
        tls = self._certificate()
        conf.write_text(CONFIG.format(dir=self.dir, suffix=SUFFIX, admin=ADMIN_DN, password=ADMIN_PASSWORD, tls=tls))
        urls = f"{self.url}/" + (f" ldaps://127.0.0.1:{self.tls_port}/" if tls else "")
        # -d 0: stay in the foreground (no fork) so the test owns the process; no log output.
        self.process = subprocess.Popen([SLAPD, "-f", str(conf), "-h", urls, "-d", "0"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {self.process.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("slapd did not start listening within 15 s")
        self._base_entries()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def admin(self) -> Connection:
        return Connection(Server(self.url), ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)

    def _base_entries(self) -> None:
        with self.admin() as conn:
            conn.add(SUFFIX, ["dcObject", "organization"], {"o": "Example City", "dc": "city"})
            conn.add(f"ou=services,{SUFFIX}", ["organizationalUnit"], {"ou": "services"})
            conn.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
            conn.add(SERVICE_DN, ["organizationalRole", "simpleSecurityObject"],
                     {"cn": "wg-tracker", "userPassword": SERVICE_PASSWORD})

    # -- staff ----------------------------------------------------------------------------------------

    def unit_dn(self, department: str, section: str | None = None) -> str:
        dn = f"ou={department},{PEOPLE}"
        return f"ou={section},{dn}" if section else dn

    def ensure_units(self, conn: Connection, department: str, section: str) -> None:
        conn.add(self.unit_dn(department), ["organizationalUnit"], {"ou": department})
        conn.add(self.unit_dn(department, section), ["organizationalUnit"], {"ou": section})

    def add_person(self, login: str, name: str, *, department: str, section: str, password: str = "pass-word-1",
                   mail: str | None = "default", title: str | None = None, kana: str | None = None,
                   conn: Connection | None = None) -> str:
        """One staff member in ou=<section>,ou=<department>,ou=people; returns the DN."""
        own = conn is None
        conn = conn or self.admin()
        try:
            self.ensure_units(conn, department, section)
            dn = f"uid={login},{self.unit_dn(department, section)}"
            attributes = {"uid": login, "cn": name, "sn": name.split()[0] if " " in name else name,
                          "userPassword": password, "departmentNumber": section}
            if mail == "default":
                mail = f"{login}@city.example"
            if mail:
                attributes["mail"] = mail
            if title:
                attributes["title"] = title
            if kana:
                attributes["displayName"] = kana
            if not conn.add(dn, ["inetOrgPerson"], attributes):
                raise RuntimeError(f"could not add {dn}: {conn.result}")
            return dn
        finally:
            if own:
                conn.unbind()

    def move_person(self, dn: str, department: str, section: str) -> str:
        with self.admin() as conn:
            self.ensure_units(conn, department, section)
            rdn = dn.split(",", 1)[0]
            conn.modify_dn(dn, rdn, new_superior=self.unit_dn(department, section))
            new_dn = f"{rdn},{self.unit_dn(department, section)}"
            conn.modify(new_dn, {"departmentNumber": [(MODIFY_REPLACE, [section])]})
            return new_dn

    def remove_person(self, dn: str) -> None:
        with self.admin() as conn:
            conn.delete(dn)

    def lock_person(self, dn: str) -> None:
        """Lock the account the way OpenLDAP's password policy does (a permanent lock)."""
        with self.admin() as conn:
            if not conn.modify(dn, {"pwdAccountLockedTime": [(MODIFY_REPLACE, ["000001010000Z"])]}):
                raise RuntimeError(f"could not lock {dn}: {conn.result}")
