"""A real slapd for the directory tests, started once per session; skipped with the reason where it cannot run."""
from __future__ import annotations

import pytest

from tests.directory import slapd as slapd_server


@pytest.fixture(scope="session")
def slapd():
    reason = slapd_server.available()
    if reason:
        pytest.skip(reason)
    server = slapd_server.Slapd().start()
    yield server
    server.stop()


def directory_config(server, **overrides) -> dict:
    """The settings a city would use: search with a service account, section and department from the OUs."""
    return {
        "LDAP_URL": server.url,
        "LDAP_BIND_DN": slapd_server.SERVICE_DN,
        "LDAP_BIND_PASSWORD": slapd_server.SERVICE_PASSWORD,
        "LDAP_BASE_DN": slapd_server.PEOPLE,
        "LDAP_USER_FILTER": "(&(objectClass=inetOrgPerson)(uid={login}))",
        "LDAP_SYNC_FILTER": "(objectClass=inetOrgPerson)",
        "LDAP_ATTR_SECTION": "",
        "LDAP_ATTR_DEPARTMENT": "",
        "LDAP_ATTR_KANA": "displayName",
        **overrides,
    }


@pytest.fixture
def directory(app, slapd, monkeypatch):
    """The app signs in against slapd while the test runs; the people added are removed afterwards."""
    for key, value in directory_config(slapd).items():
        monkeypatch.setitem(app.config, key, value)
    added = []
    original = slapd.add_person

    def add_person(login, name, **kwargs):
        dn = original(login, name, **kwargs)
        added.append(dn)
        return dn

    monkeypatch.setattr(slapd, "add_person", add_person)
    yield slapd
    with slapd.admin() as conn:
        for dn in added:
            conn.delete(dn)
            # a moved person has another DN now: find them by their uid
            conn.search(slapd_server.PEOPLE, f"({dn.split(',', 1)[0]})", attributes=[])
            for item in list(conn.response or []):
                if item.get("type") == "searchResEntry":
                    conn.delete(item["dn"])
