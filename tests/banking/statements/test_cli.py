"""`kirjuri bank import FILE --company ID`: a readable summary on success, exit 1 and nothing stored
on a failing file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kirjuri import config
from kirjuri.banking.importers import ParsedFile
from kirjuri.cli import app
from kirjuri.config import Settings
from tests.banking.statements.helpers import OTHER_IBAN, add_bank_account, counts, payment, sample_statement, use_file
from tests.factories import Tenant


@pytest.fixture()
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("KIRJURI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KIRJURI_VAR_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    yield CliRunner()
    config.get_settings.cache_clear()


@pytest.fixture()
def company(session_factory: sessionmaker[Session], tenant: Tenant) -> int:
    with session_factory() as session:
        add_bank_account(session, tenant.company_id)
        session.commit()
    return tenant.company_id


def test_import_prints_the_summary(
    runner: CliRunner, company: int, tmp_path: Path, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "stmt.xml"
    file.write_bytes(b"<Document/>")
    seen = use_file(monkeypatch, ParsedFile("CAMT053", statements=(sample_statement(),)))
    result = runner.invoke(app, ["bank", "import", str(file), "--company", str(company)])
    assert result.exit_code == 0, result.output
    assert "Statements: 1 new, 0 already imported" in result.output
    assert "Statement events: 5 new" in result.output
    assert seen == [b"<Document/>"]
    assert counts(db, company) == (1, 5, 0)


def test_a_failing_file_exits_non_zero_and_imports_nothing(
    runner: CliRunner, company: int, tmp_path: Path, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "bad.xml"
    file.write_bytes(b"<Document/>")
    parsed = ParsedFile(
        "CAMT054", statements=(sample_statement(),), reference_payments=(payment("RF", iban=OTHER_IBAN),)
    )
    use_file(monkeypatch, parsed)
    result = runner.invoke(app, ["bank", "import", str(file), "--company", str(company)])
    assert result.exit_code == 1
    assert "UNKNOWN_BANK_ACCOUNT" in result.output
    assert counts(db, company) == (0, 0, 0)
    monkeypatch.undo()
    result = runner.invoke(app, ["bank", "import", str(file), "--company", str(company)])
    assert result.exit_code == 1 and "UNSUPPORTED_BANK_FILE" in result.output
    result = runner.invoke(app, ["bank", "import", str(tmp_path / "missing.xml"), "--company", str(company)])
    assert result.exit_code == 1 and "FILE_NOT_FOUND" in result.output
