"""A pain.001.001.09 SEPA credit transfer document, built with `sepaxml` and checked against the
XSD sepaxml ships.

Invariants: one document holds one payment information block (one debtor account, one
requested execution date); each transfer's EndToEndId is its payment id; a transfer with a
reference carries it as a structured creditor reference (`Strd/CdtrRefInf`, type SCOR) and no
unstructured text, one with a message carries `Ustrd` only, one with neither no `RmtInf`; a
creditor's postal address is structured (at least `TwnNm` and `Ctry`) or, for a salary payment
to a person (the contract gives no address), absent; a batch with a category purpose (`SALA`)
carries it as `PmtTpInf/CtgyPurp/Cd`; nothing is returned that does not validate against
`sepaxml/schemas/pain.001.001.09.xsd` (`InvalidDocument`).

sepaxml 2.7 writes only unstructured remittance information, no category purpose, a random
MsgId/PmtInfId and the local clock's CreDtTm: the document it exports is read back through
`banking.xml.parse` and those parts are set here.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import sepaxml
import xmlschema
from sepaxml import SepaTransfer

from kirjuri.banking.xml import parse

SCHEMA = "pain.001.001.09"
NS = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
XSD_PATH = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{SCHEMA}.xsd")


class InvalidDocument(ValueError):
    """The built document does not validate against the XSD."""


@dataclass(frozen=True, slots=True)
class Transfer:
    end_to_end_id: str
    amount_minor: int
    creditor_name: str
    creditor_iban: str
    # sepaxml's address keys: street_name, postcode, town, country_subdivision, country.
    creditor_address: dict[str, str]
    creditor_bic: str | None = None
    reference: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    message_id: str
    created_at: datetime
    debtor_name: str
    debtor_iban: str
    execution_date: date
    transfers: tuple[Transfer, ...]
    debtor_bic: str | None = None
    currency: str = "EUR"
    # ISO 20022 ExternalCategoryPurpose1Code of the whole batch (`SALA` for salaries), or None.
    category_purpose: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@lru_cache(maxsize=1)
def _schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD_PATH)


def validate(document: bytes) -> None:
    """Raise `InvalidDocument` unless `document` is a valid pain.001.001.09."""
    errors = list(_schema().iter_errors(document.decode("utf-8")))
    if errors:
        raise InvalidDocument(str(errors[0].reason or errors[0]))


def _remittance(tx: ET.Element, transfer: Transfer) -> None:
    remittance = tx.find(_q("RmtInf"))
    if remittance is None:
        return
    for child in list(remittance):
        remittance.remove(child)
    if transfer.reference:
        structured = ET.SubElement(remittance, _q("Strd"))
        creditor_ref = ET.SubElement(structured, _q("CdtrRefInf"))
        code = ET.SubElement(ET.SubElement(ET.SubElement(creditor_ref, _q("Tp")), _q("CdOrPrtry")), _q("Cd"))
        code.text = "SCOR"
        ET.SubElement(creditor_ref, _q("Ref")).text = transfer.reference
    elif transfer.message:
        ET.SubElement(remittance, _q("Ustrd")).text = transfer.message
    else:
        tx.remove(remittance)


def _category_purpose(info: ET.Element, code: str) -> None:
    """`PmtTpInf/CtgyPurp/Cd` — the last child of PmtTpInf in the XSD's sequence."""
    kind = info.find(_q("PmtTpInf"))
    if kind is None:  # sepaxml always writes it (SvcLvl SEPA) in batch mode
        raise InvalidDocument("no PmtTpInf to carry the category purpose")
    ET.SubElement(ET.SubElement(kind, _q("CtgyPurp")), _q("Cd")).text = code


def build(batch: Batch) -> bytes:
    """The validated pain.001.001.09 document of `batch` (UTF-8, with XML declaration)."""
    config: dict[str, Any] = {
        "name": batch.debtor_name,
        "IBAN": batch.debtor_iban,
        "batch": True,
        "currency": batch.currency,
    }
    if batch.debtor_bic:
        config["BIC"] = batch.debtor_bic
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    for transfer in batch.transfers:
        payment: dict[str, Any] = {
            "name": transfer.creditor_name,
            "IBAN": transfer.creditor_iban,
            "amount": transfer.amount_minor,
            "execution_date": batch.execution_date,
            "description": transfer.message or "-",
            "endtoend_id": transfer.end_to_end_id,
            "address": dict(transfer.creditor_address),
        }
        if transfer.creditor_bic:
            payment["BIC"] = transfer.creditor_bic
        sepa.add_payment(payment)
    root = parse(sepa.export(validate=False))
    initiation = root.find(_q("CstmrCdtTrfInitn"))
    assert initiation is not None
    header = initiation.find(_q("GrpHdr"))
    assert header is not None
    header.find(_q("MsgId")).text = batch.message_id  # type: ignore[union-attr]
    header.find(_q("CreDtTm")).text = batch.created_at.replace(microsecond=0).isoformat()  # type: ignore[union-attr]
    by_id = {t.end_to_end_id: t for t in batch.transfers}
    for n, info in enumerate(initiation.findall(_q("PmtInf")), start=1):
        info.find(_q("PmtInfId")).text = f"{batch.message_id}-{n}"  # type: ignore[union-attr]
        if batch.category_purpose:
            _category_purpose(info, batch.category_purpose)
        for tx in info.findall(_q("CdtTrfTxInf")):
            e2e = tx.findtext(f"{_q('PmtId')}/{_q('EndToEndId')}")
            _remittance(tx, by_id[e2e or ""])
    # The document's namespace as the default one (sepaxml registers the same, process-wide).
    ET.register_namespace("", NS)
    body: bytes = ET.tostring(root, encoding="utf-8")
    document = b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
    validate(document)
    return document
