"""The other party of a document, as every area shows it: `CounterParty` with its address, bank
account and e-invoice address.

Invariant: one wire model per contract schema name. Journals (ledger), invoices (invoicing) and
partners' payment details all name these schemas, so they live below every area; a journal simply
leaves the invoice-only fields (`bankAccount`, `einvoiceAddress`) out.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kirjuri.api.schemas import Country, WireModel

Text70 = Annotated[str, Field(max_length=70)]
# The contract: at most 4 bcc addresses of at most 256 characters (checked as addresses by the rules).
BccAddress = Annotated[str, Field(max_length=256)]
MAX_BCC_ADDRESSES = 4


class InvoiceCounterpartyAddress(WireModel):
    name: Annotated[str, Field(max_length=80)]
    specifier: Annotated[str | None, Field(max_length=80)] = None
    street: Annotated[str | None, Field(max_length=80)] = None
    zip: Annotated[str | None, Field(max_length=20)] = None
    city: Annotated[str | None, Field(max_length=40)] = None
    country: Country | None = None
    subdivision: Annotated[str | None, Field(max_length=35)] = None


class BankAccount(WireModel):
    account_number: str | None = None
    bic: str | None = None


class EInvoiceAddress(WireModel):
    # The operator is needed for ELECTRONIC_INVOICE in Finland; both are checked by the rules.
    operator: str | None = None
    address: str | None = None
    edi_id: str | None = None


class CounterParty(WireModel):
    """The other party: buyer (sales), seller (purchase) or claimant (travel, expense)."""

    contact_person_name: Text70 | None = None
    identifier: str | None = None
    tax_code: str | None = None
    customer_number: str | None = None
    email: str | None = None
    bcc_addresses: Annotated[list[BccAddress], Field(max_length=MAX_BCC_ADDRESSES)] | None = None
    counter_party_address: InvoiceCounterpartyAddress
    # Only for payment methods that need both parties' accounts (sales invoices).
    bank_account: BankAccount | None = None
    einvoice_address: EInvoiceAddress | None = None
