"""The portal's bank-file upload over HTTP: the form, an import and its summary (a second upload
skips everything), the errors with nothing imported (the real placeholder parser, an unknown
account, a failure midway), CSRF, login, membership and rights refusals before the file is read,
and the size bound (streamed and declared)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kirjuri.banking import importers
from kirjuri.banking.importers import ParsedFile
from kirjuri.banking.referencepayments import service as payments_service
from kirjuri.banking.statements import upload
from kirjuri.config import Settings
from kirjuri.core.errors import ErrorItem, KirjuriError
from tests.banking.statements.helpers import (
    OTHER_IBAN,
    add_bank_account,
    counts,
    payment,
    sample_statement,
    use_file,
)
from tests.factories import Tenant, make_tenant
from tests.portal.helpers import browser, csrf
from tests.portal.test_portal import portal_login

URL = "/portal/bankfiles"
FILE = ("statement.xml", b"<Document/>", "application/xml")


def login(app: FastAPI, tenant: Tenant) -> TestClient:
    c = browser(app)
    assert portal_login(c, tenant.username, tenant.password).status_code == 303
    return c


def post(c: TestClient, company_id: int, *, token: str | None = None, file: Any = FILE) -> Any:
    if token is None:
        token = csrf(c.get(URL).text)
    return c.post(URL, data={"csrf_token": token, "company_id": str(company_id)}, files={"file": file})


def summary(page: str) -> dict[str, str]:
    return {
        key: re.sub(r"\s+", " ", value).strip()
        for key, value in re.findall(r'<td id="summary-([a-z]+)">(.*?)</td>', page, flags=re.S)
    }


def error_rows(page: str) -> list[tuple[str, str, str]]:
    section = page.split('id="import-errors"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr><td><code>([^<]*)</code></td><td>([^<]*)</td><td>([^<]*)</td></tr>", section)
    return [(code, field, message) for code, field, message in rows]


@pytest.fixture()
def account(session_factory: sessionmaker[Session], tenant: Tenant) -> None:
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()


@pytest.fixture()
def logged_in(app: FastAPI, tenant: Tenant, account: None) -> TestClient:
    return login(app, tenant)


def test_anonymous_is_sent_to_login(app: FastAPI) -> None:
    answer = browser(app).get(URL)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/login?next=/portal/bankfiles"


def test_the_form_is_multipart_with_the_token_before_the_file(logged_in: TestClient, tenant: Tenant) -> None:
    page = logged_in.get(URL)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    assert 'enctype="multipart/form-data"' in page.text and 'action="/portal/bankfiles"' in page.text
    assert 'accept=".xml,.txt,.dat' in page.text
    assert f'<option value="{tenant.company_id}" selected>' in page.text
    # the browser sends the parts in document order: token and company before the file
    assert page.text.index('name="csrf_token"') < page.text.index('name="company_id"') < page.text.index('name="file"')
    assert 'href="/portal/bankfiles"' in logged_in.get("/portal").text  # in the navigation


def test_upload_imports_and_shows_the_summary_then_skips_on_the_second_upload(
    logged_in: TestClient, tenant: Tenant, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    answer = post(logged_in, tenant.company_id)
    assert answer.status_code == 200, answer.text
    assert summary(answer.text) == {
        "format": "camt.053 account statement (CAMT053)",
        "statements": "1 new, 0 skipped (already imported)",
        "events": "5 new, 0 skipped",
        "payments": "0 new, 0 skipped",
        "matched": "0",
        "unmatched": "0",
        "settled": "0",
    }
    assert "statement.xml" in answer.text
    assert seen == [b"<Document/>"]
    assert counts(db, tenant.company_id) == (1, 5, 0)

    again = post(logged_in, tenant.company_id)
    assert again.status_code == 200
    assert summary(again.text)["statements"] == "0 new, 1 skipped (already imported)"
    assert summary(again.text)["events"] == "0 new, 5 skipped"
    assert counts(db, tenant.company_id) == (1, 5, 0)


def test_reference_payments_show_new_and_unmatched(
    logged_in: TestClient, tenant: Tenant, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("KTL", reference_payments=(payment("RF-1"), payment("RF-2", "10.00"))))
    answer = post(logged_in, tenant.company_id, file=("viitteet.dat", b"3" * 90, "text/plain"))
    assert answer.status_code == 200, answer.text
    found = summary(answer.text)
    assert found["format"] == "KTL reference payments (KTL)"
    assert found["payments"] == "2 new, 0 skipped"
    assert int(found["matched"]) + int(found["unmatched"]) == 2
    assert counts(db, tenant.company_id) == (0, 0, 2)


def test_the_real_placeholder_parser_refuses_and_nothing_is_imported(
    logged_in: TestClient, tenant: Tenant, db: Session
) -> None:
    answer = post(logged_in, tenant.company_id, file=("x.xml", b"not a bank file", "application/xml"))
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert error_rows(answer.text) == [
        ("UNSUPPORTED_BANK_FILE", "file", "This is not a bank file Kirjuri reads (camt.053, camt.054 or KTL).")
    ]
    assert 'id="import-summary"' not in answer.text
    assert counts(db, tenant.company_id) == (0, 0, 0)


def test_reader_errors_are_shown(logged_in: TestClient, tenant: Tenant) -> None:
    empty = post(logged_in, tenant.company_id, file=("x.xml", b"", "application/xml"))
    assert empty.status_code == 400 and error_rows(empty.text) == [("EMPTY_FILE", "file", "The file is empty.")]
    token = csrf(logged_in.get(URL).text)
    no_file = logged_in.post(
        URL, data={"csrf_token": token, "company_id": str(tenant.company_id)}, files={"other": FILE}
    )
    assert no_file.status_code == 400
    assert error_rows(no_file.text) == [("REQUIRED", "file", "Choose a file to upload.")]


def test_unknown_account_and_a_failure_midway_import_nothing(
    logged_in: TestClient, tenant: Tenant, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_file(monkeypatch, ParsedFile("CAMT054", reference_payments=(payment("RF-9", iban=OTHER_IBAN),)))
    unknown = post(logged_in, tenant.company_id)
    assert unknown.status_code == 400
    assert error_rows(unknown.text)[0][:2] == ("UNKNOWN_BANK_ACCOUNT", "file")

    # The statement is stored first, then storing the reference payment fails: all is rolled back.
    use_file(
        monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),), reference_payments=(payment("RF-1"),))
    )

    def fail(*_: Any, **__: Any) -> Any:
        raise KirjuriError("INVALID_REFERENCE", 400, "file", more=())

    monkeypatch.setattr(payments_service, "store_and_match", fail)
    midway = post(logged_in, tenant.company_id)
    assert midway.status_code == 400
    assert error_rows(midway.text) == [("INVALID_REFERENCE", "file", "")]
    assert counts(db, tenant.company_id) == (0, 0, 0)


def test_a_parser_sentence_is_shown_with_the_refusal_code(
    logged_in: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(data: bytes, *, filename: str | None = None) -> ParsedFile:
        raise KirjuriError.many(
            [ErrorItem(400, "INVALID_XML", "file"), ErrorItem(400, "Line 3: <Ntry> & no amount", "file")]
        )

    monkeypatch.setattr(importers, "parse_file", refuse)
    answer = post(logged_in, tenant.company_id)
    assert answer.status_code == 400
    assert error_rows(answer.text) == [
        ("INVALID_XML", "file", ""),
        ("INVALID_XML", "file", "Line 3: &lt;Ntry&gt; &amp; no amount"),
    ]


def test_csrf_is_checked_before_the_file_is_read(
    logged_in: TestClient, tenant: Tenant, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    data = {"company_id": str(tenant.company_id)}
    missing = logged_in.post(URL, data=data, files={"file": FILE})
    assert missing.status_code == 403 and "security token" in missing.text
    wrong = post(logged_in, tenant.company_id, token="0" * 64)
    assert wrong.status_code == 403
    # Another browser's token is worthless here.
    other = browser(logged_in.app)  # type: ignore[arg-type]
    assert post(logged_in, tenant.company_id, token=csrf(other.get("/portal/login").text)).status_code == 403
    # The token after the file part comes too late: the file was about to be read unchecked.
    token = csrf(logged_in.get(URL).text)
    late = _manual_multipart(
        [
            ("company_id", None, str(tenant.company_id).encode()),
            ("file", "s.xml", b"<Document/>"),
            ("csrf_token", None, token.encode()),
        ]
    )
    answer = logged_in.post(URL, content=late[1], headers={"Content-Type": late[0]})
    assert answer.status_code == 403
    raw = logged_in.post(URL, content=b"<Document/>", headers={"Content-Type": "application/xml"})
    assert raw.status_code == 403
    assert seen == []
    assert counts(db, tenant.company_id) == (0, 0, 0)


def _manual_multipart(parts: list[tuple[str, str | None, bytes]]) -> tuple[str, bytes]:
    boundary = "portal-bankfile-test"
    body = b""
    for name, filename, value in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def test_logged_out_post_goes_to_login(app: FastAPI, tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = use_file(monkeypatch, ParsedFile("CAMT053"))
    c = browser(app)
    token = csrf(c.get("/portal/login").text)  # an anonymous session's token
    answer = c.post(URL, data={"csrf_token": token, "company_id": str(tenant.company_id)}, files={"file": FILE})
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/login?next=/portal/bankfiles"
    assert seen == []


def test_rights_and_membership_are_checked_before_the_file_is_read(
    *,
    app: FastAPI,
    tenant: Tenant,
    other_tenant: Tenant,
    session_factory: sessionmaker[Session],
    settings: Settings,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    viewer = make_tenant(
        session_factory, settings, user_rights={"payments": {"bankStatementAndReferencePayment": "VIEWING_RIGHTS"}}
    )
    with session_factory() as session:
        add_bank_account(session, viewer.company_id)
        add_bank_account(session, other_tenant.company_id)
        session.commit()
    seen = use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    c = login(app, viewer)
    page = c.get(URL)
    assert page.status_code == 403
    assert "with all rights" in page.text and 'name="file"' not in page.text
    refused = post(c, viewer.company_id, token=csrf(page.text))
    assert refused.status_code == 403 and "with all rights" in refused.text

    # A company of someone else: not found among the user's companies.
    full = login(app, tenant)
    foreign = post(full, other_tenant.company_id)
    assert foreign.status_code == 404 and "not a member" in foreign.text
    bad = post(full, 0)
    assert bad.status_code == 400 and error_rows(bad.text)[0][:2] == ("CHOOSE_COMPANY", "company_id")

    assert seen == []
    for company_id in (viewer.company_id, other_tenant.company_id, tenant.company_id):
        assert counts(db, company_id) == (0, 0, 0)


def test_a_streamed_upload_over_the_bound_is_refused(
    logged_in: TestClient, tenant: Tenant, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's own bound (made small here; the 200 MB run against a real server is in
    test_bankfiles_memory.py): refused as the count passes it, shown as a page, nothing imported."""
    seen = use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    monkeypatch.setattr(upload, "MAX_BANK_FILE_BYTES", 1000)
    answer = post(logged_in, tenant.company_id, file=("big.xml", b"<" * 5000, "application/xml"))
    assert answer.status_code == 400
    assert error_rows(answer.text)[0][:2] == ("FILE_TOO_LARGE", "file")
    at_limit = post(logged_in, tenant.company_id, file=("ok.xml", b"<" * 1000, "application/xml"))
    assert at_limit.status_code == 200, at_limit.text
    assert len(seen) == 1
    assert counts(db, tenant.company_id) == (1, 5, 0)


def test_a_declared_length_over_the_bound_is_refused_before_reading(
    logged_in: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = use_file(monkeypatch, ParsedFile("CAMT053"))
    token = csrf(logged_in.get(URL).text)
    content_type, body = _manual_multipart(
        [
            ("csrf_token", None, token.encode()),
            ("company_id", None, str(tenant.company_id).encode()),
            ("file", "a.xml", b"<x/>"),
        ]
    )
    for declared in (upload.BODY_LIMIT + 1, upload.ROUTE_BODY_LIMIT + 1, 200_000_000):
        answer = logged_in.post(
            URL, content=body, headers={"Content-Type": content_type, "Content-Length": str(declared)}
        )
        assert answer.status_code == 400, declared
        assert answer.headers["content-type"].startswith("text/html"), declared
        assert "20,000,000 bytes" in answer.text
    assert seen == []
