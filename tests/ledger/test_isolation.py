"""Tenancy: every id-taking endpoint of the ledger and VAT areas, called with ids that exist only in
another company, answers 404 and changes nothing; lists never show the other company's rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kirjuri.core import clock
from kirjuri.ledger import accounts, dimensions, fiscal, rules, service
from kirjuri.ledger.models import LedgerReceipt, LedgerTransaction
from tests.factories import Tenant

TAGS = {"Ledger receipts", "Journals", "Chart of accounts", "Dimensions", "Fiscal years", "Reports", "VAT"}
EXTRAS = ("/api/kirjuri/accounts", "/api/kirjuri/fiscalyears", "/api/kirjuri/dimensions", "/api/kirjuri/reports")


def _theirs(db: Session, other: Tenant) -> dict[str, int | str]:
    """Data only the other company has: 3 receipts, a dimension with an item, a second year, an account."""
    company_id = other.company_id
    year = clock.now().year
    receipt_ids = []
    for n in range(3):
        draft = rules.ReceiptDraft(
            type="JOURNAL",
            name=f"Theirs {n}",
            receipt_date=date(year, 3, 1 + n),
            vat_type="PURCHASE",
            vat_status=1,
            transactions=(rules.EntryDraft("1910", Decimal("-10")), rules.EntryDraft("4000", Decimal("10"))),
        )
        receipt_ids.append(service.create_receipt(db, company_id=company_id, draft=draft).id)
    dimension = dimensions.create_dimension(db, company_id=company_id, name="Theirs")
    item = dimensions.create_item(
        db, company_id=company_id, dimension_id=dimension.id, code_name="T1", description=None, active=True
    )
    next_year = fiscal.open_next_year(db, company_id=company_id)
    period_id = fiscal.years(db, company_id=company_id)[0][1][0].id
    accounts.add_account(db, company_id=company_id, code="19995", name="Vain heidän tilinsä")
    transaction_id = db.scalars(
        select(LedgerTransaction.id).where(
            LedgerTransaction.company_id == company_id, LedgerTransaction.receipt_id == receipt_ids[-1]
        )
    ).first()
    db.commit()
    return {
        "receipt": receipt_ids[-1],
        "transaction": transaction_id or 0,
        "dimension": dimension.id,
        "item": item.id,
        "year": next_year.id,
        "period": period_id,
        "account": "19995",
    }


RECEIPT = {
    "type": "JOURNAL",
    "name": "Mine now",
    "receiptDate": f"{clock.now().year}-03-01",
    "vatType": "PURCHASE",
    "vatStatus": 1,
    "version": "2026-01-01T00:00:00Z",
    "transactions": [
        {"transactionType": "ENTRY", "account": "1910", "accountingValue": -1, "vatPercent": 0},
        {"transactionType": "ENTRY", "account": "4000", "accountingValue": 1, "vatPercent": 0},
    ],
}


def _urls(ids: dict[str, int | str]) -> dict[tuple[str, str], tuple[str, object]]:
    r, t, d, y, p, a = ids["receipt"], ids["transaction"], ids["dimension"], ids["year"], ids["period"], ids["account"]
    dims = {"dimensionItemValues": []}
    return {
        ("GET", "/api/ledgerreceipts/{receiptId}"): (f"/api/ledgerreceipts/{r}", None),
        ("PUT", "/api/ledgerreceipts/{receiptId}"): (f"/api/ledgerreceipts/{r}", RECEIPT),
        ("PUT", "/api/ledgerreceipts/{receiptId}/approve"): (f"/api/ledgerreceipts/{r}/approve", None),
        ("PUT", "/api/ledgerreceipts/{receiptId}/invalidate"): (f"/api/ledgerreceipts/{r}/invalidate", None),
        ("PUT", "/api/ledgerreceipts/{receiptId}/unfinished"): (f"/api/ledgerreceipts/{r}/unfinished", None),
        ("PUT", "/api/ledgerreceipts/{receiptId}/transactions/{transactionId}/dimensions"): (
            f"/api/ledgerreceipts/{r}/transactions/{t}/dimensions",
            dims,
        ),
        ("GET", "/api/dimensions/{dimensionId}"): (f"/api/dimensions/{d}", None),
        ("PUT", "/api/dimensions/{dimensionId}"): (f"/api/dimensions/{d}", {"name": "Mine now"}),
        ("POST", "/api/dimensions/{dimensionId}/items"): (f"/api/dimensions/{d}/items", {"codeName": "X"}),
        ("PUT", "/api/dimensions/{dimensionId}/items"): (
            f"/api/dimensions/{d}/items",
            {"id": ids["item"], "codeName": "X"},
        ),
        ("PUT", "/api/fiscalyears/{fiscalYearId}/trackingPeriods/{trackingPeriodId}"): (
            f"/api/fiscalyears/{y}/trackingPeriods/{p}",
            {"status": "PENDING"},
        ),
        ("POST", "/api/kirjuri/fiscalyears/{id}/close"): (f"/api/kirjuri/fiscalyears/{y}/close", None),
        ("PUT", "/api/kirjuri/fiscalyears/{id}/trackingPeriods/{trackingPeriodId}/reopen"): (
            f"/api/kirjuri/fiscalyears/{y}/trackingPeriods/{p}/reopen",
            None,
        ),
        ("PATCH", "/api/kirjuri/accounts/{code}"): (f"/api/kirjuri/accounts/{a}", {"name": "Mine"}),
        ("DELETE", "/api/kirjuri/accounts/{code}"): (f"/api/kirjuri/accounts/{a}", None),
        ("POST", "/api/reports/generalledger/{id}"): (f"/api/reports/generalledger/{a}", {"endDate": "2026-12-31"}),
    }


def _snapshot(db: Session, company_id: int) -> tuple[object, ...]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(LedgerReceipt).where(LedgerReceipt.company_id == company_id)),
        db.scalar(select(func.max(LedgerReceipt.version)).where(LedgerReceipt.company_id == company_id)),
        [(y.status, [p.status for p in ps]) for y, ps in fiscal.years(db, company_id=company_id)],
        [(d.name, [i.code_name for i in items]) for d, items in dimensions.dimensions(db, company_id=company_id)],
        [(a.code, a.name, a.active) for a in accounts.chart_of(db, company_id=company_id)],
    )


def test_other_companys_ids_are_404(
    app: FastAPI, client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session
) -> None:
    ids = _theirs(db, other_tenant)
    urls = _urls(ids)
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "{" in path and (TAGS & set(operation.get("tags", [])) or path.startswith(EXTRAS))
    }
    assert routes == set(urls), "a new id-taking route must join this walk"

    before = _snapshot(db, other_tenant.company_id)
    for (method, _path), (url, body) in urls.items():
        mine = client.request(method, url, headers=tenant.headers, json=body)
        assert mine.status_code == 404, (method, url, mine.status_code, mine.text)
        assert mine.json()["errors"][0]["status"] == 404
    assert _snapshot(db, other_tenant.company_id) == before

    batch = client.get(f"/api/ledgerreceipts/{ids['receipt']},{ids['receipt']}", headers=tenant.headers)
    assert batch.status_code == 404


def test_lists_show_only_the_own_company(client: TestClient, tenant: Tenant, other_tenant: Tenant, db: Session) -> None:
    _theirs(db, other_tenant)
    assert client.get("/api/ledgerreceipts", headers=tenant.headers).json()["results"] == []
    assert client.get("/api/journals", headers=tenant.headers).json() == []
    assert client.get("/api/dimensions", headers=tenant.headers).json() == []
    years = client.get("/api/fiscalyears", headers=tenant.headers).json()["fiscalYears"]
    assert len(years) == 1
    codes = [a["ledgerAccountCode"] for a in client.get("/api/coa", headers=tenant.headers).json()["ledgerAccounts"]]
    assert "19995" not in codes
    year = clock.now().year
    trial = client.get(
        f"/api/kirjuri/reports/trialbalance?startDate={year}-01-01&endDate={year}-12-31", headers=tenant.headers
    )
    assert trial.status_code == 200, trial.text
    assert "4000" not in trial.text
