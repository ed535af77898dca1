"""Talking to the directory with ldap3: one connection per sign-in or sync, never shared between requests."""
from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Iterator

from flask import current_app


def _ldap3():
    """ldap3, imported when the directory is first used rather than when a worker starts (about 15 MB)."""
    import ldap3
    import ldap3.core.exceptions
    import ldap3.utils.conv
    import ldap3.utils.dn

    return ldap3

# Active Directory's userAccountControl flag for a disabled account.
AD_ACCOUNT_DISABLE = 0x2
# AD's bind error sub-codes ("80090308: LdapErr: ... data 533"): disabled, locked out.
AD_BIND_DISABLED = ("data 533",)
AD_BIND_LOCKED = ("data 775",)


class DirectoryUnavailable(Exception):
    """The directory cannot be reached (or TLS cannot be set up): local accounts still sign in."""


class DirectoryRefused(Exception):
    """The directory answered, and said no. ``reason`` is one of invalid, locked, disabled, duplicate."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DirectoryPerson:
    dn: str
    login: str
    name: str
    kana: str | None
    email: str | None
    section: str | None
    department: str | None
    title: str | None
    disabled: bool = False
    locked: bool = False


def enabled(config=None) -> bool:
    return bool((config or current_app.config).get("LDAP_URL"))


class Directory:
    """The configured directory. ``authenticate`` checks one person's password; ``people`` lists everyone."""

    def __init__(self, config=None):
        self.config = config or current_app.config

    # -- connections -------------------------------------------------------------------------------------

    def _server(self) -> Server:
        config = self.config
        tls = _ldap3().Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config["LDAP_CA_FILE"] or None)
        return _ldap3().Server(config["LDAP_URL"], connect_timeout=config["LDAP_TIMEOUT_SECONDS"], tls=tls, get_info=_ldap3().NONE)

    def _connect(self, user: str | None, password: str | None) -> Connection:
        """An open connection bound as ``user``; raises DirectoryUnavailable or DirectoryRefused("invalid")."""
        connection = _ldap3().Connection(self._server(), user=user, password=password,
                                receive_timeout=self.config["LDAP_TIMEOUT_SECONDS"], raise_exceptions=False,
                                read_only=True)
        try:
            connection.open()
            if self.config["LDAP_STARTTLS"] and not connection.start_tls():
                raise DirectoryUnavailable("StartTLS failed")
            bound = connection.bind()
        except (_ldap3().core.exceptions.LDAPSocketOpenError, _ldap3().core.exceptions.LDAPStartTLSError) as error:
            raise DirectoryUnavailable(str(error)) from error
        except _ldap3().core.exceptions.LDAPException as error:
            raise DirectoryUnavailable(str(error)) from error
        if not bound:
            message = str(connection.result.get("message", ""))
            connection.unbind()
            if any(code in message for code in AD_BIND_DISABLED):
                raise DirectoryRefused("disabled")
            if any(code in message for code in AD_BIND_LOCKED):
                raise DirectoryRefused("locked")
            raise DirectoryRefused("invalid")
        return connection

    def _service_connection(self) -> Connection:
        try:
            return self._connect(self.config["LDAP_BIND_DN"] or None, self.config["LDAP_BIND_PASSWORD"] or None)
        except DirectoryRefused as error:  # the service account itself is refused: a setup problem
            raise DirectoryUnavailable(f"the service account was refused ({error.reason})") from error

    # -- reading entries ---------------------------------------------------------------------------------

    def _attributes(self) -> list[str]:
        config = self.config
        names = {config[key] for key in ("LDAP_ATTR_LOGIN", "LDAP_ATTR_NAME", "LDAP_ATTR_KANA", "LDAP_ATTR_MAIL",
                                         "LDAP_ATTR_SECTION", "LDAP_ATTR_DEPARTMENT", "LDAP_ATTR_TITLE")}
        # Operational attributes must be asked for by name: OpenLDAP's ppolicy lock and AD's account flags.
        names |= {"pwdAccountLockedTime", "userAccountControl", "lockoutTime"}
        return sorted(name for name in names if name)

    def _person(self, dn: str, attributes: dict) -> DirectoryPerson:
        config = self.config

        def first(key):
            name = config[key]
            if not name:
                return None
            value = attributes.get(name)
            if isinstance(value, (list, tuple)):
                value = value[0] if value else None
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            value = str(value).strip() if value is not None else ""
            return value or None

        units = [value for attribute, value, _separator in _ldap3().utils.dn.parse_dn(dn, escape=False) if attribute.lower() == "ou"]
        section = first("LDAP_ATTR_SECTION") or (units[0] if units else None)
        department = first("LDAP_ATTR_DEPARTMENT") or (units[1] if len(units) > 1 else None)
        flags = int(_single(attributes.get("userAccountControl")) or 0)
        locked = bool(_single(attributes.get("pwdAccountLockedTime"))) or _ad_time_set(
            _single(attributes.get("lockoutTime")))
        return DirectoryPerson(
            dn=dn, login=first("LDAP_ATTR_LOGIN") or "", name=first("LDAP_ATTR_NAME") or "",
            kana=first("LDAP_ATTR_KANA"), email=first("LDAP_ATTR_MAIL"), section=section, department=department,
            title=first("LDAP_ATTR_TITLE"), disabled=bool(flags & AD_ACCOUNT_DISABLE), locked=locked,
        )

    def _find(self, connection: Connection, login: str, base: str | None = None) -> list[DirectoryPerson]:
        query = self.config["LDAP_USER_FILTER"].replace("{login}", _ldap3().utils.conv.escape_filter_chars(login))
        connection.search(base or self.config["LDAP_BASE_DN"], query, _ldap3().SUBTREE if base is None else _ldap3().BASE,
                          attributes=self._attributes(), size_limit=2)
        return [self._person(item["dn"], item["attributes"]) for item in connection.response or []
                if item.get("type") == "searchResEntry"]

    # -- what the app asks ---------------------------------------------------------------------------------

    def authenticate(self, login: str, password: str) -> DirectoryPerson:
        """The person whose login and password these are; raises DirectoryRefused or DirectoryUnavailable."""
        login = (login or "").strip()
        if not login or not password:  # an empty password would be an anonymous bind, which always succeeds
            raise DirectoryRefused("invalid")
        if self.config["LDAP_BIND_DN"]:
            connection = self._service_connection()
            try:
                found = self._find(connection, login)
            finally:
                connection.unbind()
            if not found:
                raise DirectoryRefused("invalid")
            if len(found) > 1:
                raise DirectoryRefused("duplicate")
            person = found[0]
            self._refuse_if_blocked(person)
            self._connect(person.dn, password).unbind()
            return person
        user_dn = self.config["LDAP_USER_DN"].replace("{login}", _ldap3().utils.dn.escape_rdn(login))
        connection = self._connect(user_dn, password)
        try:
            found = self._find(connection, login) if self.config["LDAP_BASE_DN"] else []
            if not found and "=" in user_dn:  # a DN template, not a UPN: read the entry itself
                found = self._find(connection, login, base=user_dn)
        finally:
            connection.unbind()
        if len(found) > 1:
            raise DirectoryRefused("duplicate")
        if not found:
            raise DirectoryRefused("invalid")
        self._refuse_if_blocked(found[0])
        return found[0]

    @staticmethod
    def _refuse_if_blocked(person: DirectoryPerson) -> None:
        if person.disabled:
            raise DirectoryRefused("disabled")
        if person.locked:
            raise DirectoryRefused("locked")

    def people(self, page_size: int = 500) -> Iterator[DirectoryPerson]:
        """Everyone the sync filter finds, read in pages (AD answers at most 1,000 entries per search)."""
        connection = self._service_connection()
        try:
            entries = connection.extend.standard.paged_search(
                self.config["LDAP_BASE_DN"], self.config["LDAP_SYNC_FILTER"], _ldap3().SUBTREE,
                attributes=self._attributes(), paged_size=page_size, generator=True,
            )
            for item in entries:
                if item.get("type") == "searchResEntry":
                    yield self._person(item["dn"], item["attributes"])
            if connection.result and connection.result.get("result") not in (0, None):
                raise DirectoryUnavailable(str(connection.result.get("description")))
        except _ldap3().core.exceptions.LDAPException as error:
            raise DirectoryUnavailable(str(error)) from error
        finally:
            connection.unbind()


def _single(value):
    """The first value of an attribute (ldap3 gives a list without the server's schema); None when absent."""
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _ad_time_set(value) -> bool:
    """AD's lockoutTime is a FILETIME; 0 (or the epoch) means not locked."""
    if value in (None, "", 0, "0"):
        return False
    text = str(value)
    return not text.startswith("1601-01-01") and text != "0"
