"""The PyPI `procountor` 2.4.0 client against a live Kirjuri: the registers of issue 4.

It lists and reads business partners and products (`content['products']` is the list its own tests
read), reads currencies and exchange rates, and uploads, downloads (multipart/mixed, decoded by
requests_toolbelt) and deletes an attachment — each through the client's own methods.
"""

from __future__ import annotations

from pathlib import Path

from tests.factories import Tenant
from tests.live import live_server, procountor_client, procountor_host

__all__ = ["live_server", "procountor_host"]  # the module's server fixtures

CUSTOMER = {
    "name": "Rakennus Virtanen Oy",
    "type": "CUSTOMER",
    "address": {"name": "Rakennus Virtanen Oy", "street": "Hämeenkatu 5", "zip": "33100", "city": "Tampere",
                "country": "FINLAND"},
    "invoicingInfo": {"identifier": "2077474-0", "identifierType": "FI", "customerNumber": "A-100",
                      "language": "FINNISH", "invoiceChannel": "EMAIL", "email": "laskut@virtanen.example"},
    "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "14",
                    "penalInterestRate": 8},
    "registryInfo": {"active": True},
}  # fmt: skip
PRODUCT = {
    "type": "SALES",
    "name": "Konsultointi",
    "code": "KONS-1",
    "unit": "HOUR",
    "price": 120.5,
    "discount": 0,
    "vat": 25.5,
    "active": True,
    "currency": "EUR",
}


def test_the_client_lists_and_reads_partners_and_products(procountor_host: str, tenant: Tenant) -> None:
    client = procountor_client(tenant)
    created = client.request("POST", "businesspartners", **CUSTOMER)
    assert created["status"] == 200, created
    partner_id = created["content"]["id"]
    product = client.request("POST", "products", **PRODUCT)
    assert product["status"] == 200, product

    partners = client.get_business_partners(type="CUSTOMER")
    assert partners["status"] == 200, partners
    assert [p["id"] for p in partners["content"]["results"]] == [partner_id]
    partner = client.get_business_partner(partner_id)
    assert partner["status"] == 200, partner
    assert (partner["content"]["id"], partner["content"]["name"]) == (partner_id, "Rakennus Virtanen Oy")
    assert partner["content"]["invoicingInfo"]["identifier"] == "2077474-0"

    products = client.get_products()
    assert products["status"] == 200, products
    assert isinstance(products["content"]["products"], list)
    first = products["content"]["products"][0]
    assert (first["id"], first["name"]) == (product["content"]["id"], "Konsultointi")
    one = client.get_product(first["id"])
    assert one["status"] == 200, one
    assert (one["content"]["code"], one["content"]["unit"]) == ("KONS-1", "HOUR")


def test_the_client_reads_currencies_and_rates(procountor_host: str, tenant: Tenant) -> None:
    client = procountor_client(tenant)
    currencies = client.get_currencies()
    assert currencies["status"] == 200, currencies
    assert "EUR" in currencies["content"]["currencies"]
    assert client.get_currency()["content"] == {"companyCurrency": "EUR"}
    # The client's own test: DKK → EUR on 2017-12-07 (ECB: 7.4422 DKK per euro).
    rate = client.get_exchange_rate(
        baseCurrency="DKK", currency="EUR", day="2017-12-07", rateType="PROCOUNTOR_ACCOUNTING_EXCHANGE_RATE"
    )
    assert rate["status"] == 200, rate
    assert rate["content"]["currency"] == "EUR"
    assert rate["content"]["day"] == "2017-12-07"
    assert abs(rate["content"]["rate"] * 7.4422 - 1) < 1e-4
    latest = client.get_latest_currency_rate(rateType=1)
    assert latest["status"] == 200, latest
    assert latest["content"]["baseCurrency"] == "EUR"
    assert {"USD", "SEK"} <= {r["currencyCode"] for r in latest["content"]["rates"]}


def test_the_client_uploads_downloads_and_deletes_an_attachment(
    procountor_host: str, tenant: Tenant, tmp_path: Path
) -> None:
    client = procountor_client(tenant)
    partner_id = client.request("POST", "businesspartners", **CUSTOMER)["content"]["id"]
    content = "Sopimus – allekirjoitettu 2026-11-23\n".encode() * 100
    path = tmp_path / "sopimus.txt"
    path.write_bytes(content)
    meta = {"name": "sopimus.txt", "referenceType": "CUSTOMER_BUSINESS_PARTNER_REGISTER", "referenceId": partner_id}

    uploaded = client.post_attachment(meta, str(path))
    assert uploaded["status"] == 200, uploaded
    attachment_id = uploaded["content"]["id"]
    assert uploaded["content"]["name"] == "sopimus.txt"
    assert uploaded["content"]["mimeType"] == "text/plain"

    downloaded = client.get_attachment(attachment_id)
    assert downloaded["status"] == 200, downloaded
    assert downloaded["content"] == content
    assert downloaded["metadata"]["id"] == attachment_id
    assert downloaded["metadata"]["referenceId"] == partner_id

    deleted = client.delete_attachment(attachment_id)
    assert deleted["status"] == 204, deleted
    assert client.get_attachment(attachment_id)["status"] == 404
