"""Demo registers of a sandbox company: customers, suppliers, persons and partner groups.

Invariant: everything goes through the same wire models and services as the API, so demo data is
valid data (business ids with correct check digits, IBANs that validate, real e-invoice address
forms); the sandbox user gets their own person entry, so `GET /businesspartners/personaldetails`
answers from the first request.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kirjuri.partners import groups, persons, service
from kirjuri.partners import person_schemas as person_wire
from kirjuri.partners import schemas as wire
from kirjuri.partners.rules import TYPES

_FI = "FINLAND"


def _address(name: str, street: str, zip_code: str, city: str, country: str = _FI) -> dict[str, Any]:
    return {"name": name, "street": street, "zip": zip_code, "city": city, "country": country}


# name, business id, address, invoicing channel and where it goes, customer number
CUSTOMERS: list[dict[str, Any]] = [
    {
        "name": "Rakennusliike Virtanen Oy",
        "address": _address("Rakennusliike Virtanen Oy", "Hämeenkatu 14", "33100", "Tampere"),
        "invoicingInfo": {
            "customerNumber": "1001", "identifier": "3012345-8", "identifierType": "FI",
            "invoiceChannel": "ELECTRONIC_INVOICE", "ovt": "003730123458",
            "einvoiceAddress": "003730123458", "einvoiceOperator": "003723327487", "language": "FINNISH",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "14",
                        "penalInterestRate": "11.5"},
    },
    {
        "name": "Kahvila Aurora Oy",
        "address": _address("Kahvila Aurora Oy", "Aurakatu 3", "20100", "Turku"),
        "invoicingInfo": {
            "customerNumber": "1002", "identifier": "3028183-5", "identifierType": "FI",
            "invoiceChannel": "EMAIL", "email": "laskut@kahvila-aurora.example", "language": "FINNISH",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "7",
                        "penalInterestRate": "11.5"},
    },
    {
        "name": "Helsingin Kiinteistöpalvelu Oy",
        "address": _address("Helsingin Kiinteistöpalvelu Oy", "Runeberginkatu 40 A", "00260", "Helsinki"),
        "invoicingInfo": {
            "customerNumber": "1003", "identifier": "3036102-6", "identifierType": "FI",
            "invoiceChannel": "ELECTRONIC_INVOICE", "einvoiceAddress": "003730361026",
            "einvoiceOperator": "E204503", "language": "FINNISH",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "30",
                        "penalInterestRate": "11.5"},
    },
    {
        "name": "Oulun Sähkötekniikka Oy",
        "address": _address("Oulun Sähkötekniikka Oy", "Kirkkokatu 21", "90100", "Oulu"),
        "invoicingInfo": {
            "customerNumber": "1004", "identifier": "3044021-8", "identifierType": "FI",
            "invoiceChannel": "MAIL", "language": "FINNISH",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "21",
                        "penalInterestRate": "11.5"},
    },
    {
        "name": "Ab Skärgårdsbåt Oy",
        "address": _address("Ab Skärgårdsbåt Oy", "Torggatan 2", "22100", "Mariehamn", "ALAND_ISLANDS"),
        "invoicingInfo": {
            "customerNumber": "1005", "identifier": "3051940-1", "identifierType": "FI",
            "invoiceChannel": "EMAIL", "email": "faktura@skargardsbat.example", "language": "SWEDISH",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "14",
                        "penalInterestRate": "11.5"},
    },
    {
        "name": "Nordic Timber AB",
        "address": _address("Nordic Timber AB", "Storgatan 10", "903 26", "Umeå", "SWEDEN"),
        "invoicingInfo": {
            "customerNumber": "1006", "identifier": "SE556036079301", "identifierType": "SE",
            "invoiceChannel": "EMAIL", "email": "invoices@nordictimber.example", "language": "ENGLISH",
        },
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "30",
                        "penalInterestRate": "8"},
    },
]  # fmt: skip

SUPPLIERS: list[dict[str, Any]] = [
    {
        "name": "Toimistotarvike Suomi Oy",
        "address": _address("Toimistotarvike Suomi Oy", "Tikkurilantie 10", "01300", "Vantaa"),
        "invoicingInfo": {"customerNumber": "2001", "identifier": "3059859-2", "identifierType": "FI",
                          "language": "FINNISH"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "14",
                        "bankAccount": "FI5650004477127824", "bic": "OKOYFIHH"},
    },
    {
        "name": "Kiinteistö Oy Mannerheimintie 12",
        "address": _address("Kiinteistö Oy Mannerheimintie 12", "Mannerheimintie 12", "00100", "Helsinki"),
        "invoicingInfo": {"customerNumber": "2002", "identifier": "3067778-4", "identifierType": "FI",
                          "language": "FINNISH"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "1",
                        "bankAccount": "FI2612302619730696", "bic": "NDEAFIHH"},
    },
    {
        "name": "Pilvipalvelu Kumpula Oy",
        "address": _address("Pilvipalvelu Kumpula Oy", "Gustaf Hällströmin katu 2", "00560", "Helsinki"),
        "invoicingInfo": {"customerNumber": "2003", "identifier": "3075697-6", "identifierType": "FI",
                          "language": "FINNISH"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "14",
                        "bankAccount": "FI5780005239384995", "bic": "DABAFIHH"},
    },
    {
        "name": "Energia Etelä Oy",
        "address": _address("Energia Etelä Oy", "Voimalantie 1", "02150", "Espoo"),
        "invoicingInfo": {"customerNumber": "2004", "identifier": "3083616-7", "identifierType": "FI",
                          "language": "FINNISH"},
        "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "currency": "EUR", "paymentTermDays": "21",
                        "bankAccount": "FI5339307989355726", "bic": "SBANFIHH"},
    },
]  # fmt: skip

# first name, last name, job title, street, zip, city, IBAN, BIC, person number
PERSONS = [
    ("Liisa", "Korhonen", "Myyntipäällikkö", "Kalevankatu 8 A 5", "00100", "Helsinki",
     "FI4440501518471569", "HELSFIHH", "P-101"),
    ("Juha", "Nieminen", "Asentaja", "Satakunnankatu 20 B 12", "33210", "Tampere",
     "FI3115709818365537", "NDEAFIHH", "P-102"),
]  # fmt: skip


def _person(row: tuple[str, ...], group_ids: list[int]) -> person_wire.Person:
    first, last, title, street, zip_code, city, iban, bic, number = row
    return person_wire.Person.model_validate(
        {
            "firstName": first,
            "lastName": last,
            "jobTitle": title,
            "deliveryAddress": {"street": street, "zip": zip_code, "city": city, "country": _FI},
            "paymentInfo": {"paymentMethod": "BANK_TRANSFER", "accountNumber": iban, "bic": bic,
                            "paymentTermDays": "14", "penalInterestRate": 0},
            "invoicingInfo": {"personNumber": number, "language": "FINNISH", "gender": "NOT_APPLICABLE"},
            "registryInfo": {"active": True, "personGroupsIds": group_ids},
        }
    )  # fmt: skip


def seed_partners(session: Session, company_id: int, user_id: int) -> None:
    """Six customers (e-invoice, e-mail, paper, Åland, Sweden), four suppliers with bank accounts,
    two employees and the sandbox user's own person entry, in groups."""
    key_customers = groups.create_group(
        session, company_id=company_id, name="Avainasiakkaat", group_type="CUSTOMER", active=True, writable=TYPES
    )
    staff = groups.create_group(
        session, company_id=company_id, name="Henkilöstö", group_type="PERSON", active=True, writable=TYPES
    )
    for index, customer in enumerate(CUSTOMERS):
        registry: dict[str, Any] = {"active": True}
        if index < 2:
            registry["partnerGroups"] = [{"id": key_customers.id, "name": key_customers.name, "type": "CUSTOMER"}]
        body = wire.BusinessPartner.model_validate({**customer, "type": "CUSTOMER", "registryInfo": registry})
        service.create_partner(session, company_id=company_id, document=wire.document_of(body), writable=TYPES)
    for supplier in SUPPLIERS:
        body = wire.BusinessPartner.model_validate({**supplier, "type": "SUPPLIER", "registryInfo": {"active": True}})
        service.create_partner(session, company_id=company_id, document=wire.document_of(body), writable=TYPES)
    for row in PERSONS:
        persons.create_person(session, company_id=company_id, person=_person(row, [staff.id]))
    own = persons.create_person(
        session,
        company_id=company_id,
        person=_person(
            ("Sanna", "Sandbox", "Kehittäjä", "Mannerheimintie 12 B", "00100", "Helsinki",
             "FI0950002010713647", "OKOYFIHH", "P-100"),
            [staff.id],
        ),
    )  # fmt: skip
    persons.link_user(session, company_id=company_id, person_id=own.id, user_id=user_id)
