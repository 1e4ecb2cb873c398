"""Wire models of the person register (Procountor §D.5), of `GET /businesspartners/personaldetails`
(§D.4) and of Kirjuri's person–user link (`/api/kirjuri/persons/{id}/user`).

Invariants: contract names, enums, required flags and maximum lengths exactly as in Procountor
26.04 (camelCase through `WireModel`), each refused at its own field path with a code; person
addresses take the 248-country variant (the contract's Country minus three territories);
decimals are exact and come out without trailing zeros or exponent form. Checks that need the
company (Swedish environments, person groups, identifiers) live in `partners.persons`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from kirjuri.api.parties import BankAccount
from kirjuri.api.schemas import Country, Currency, Decimal2, Int32, Language, SearchResult, WireModel
from kirjuri.core.countries import COUNTRIES
from kirjuri.core.money import plain
from kirjuri.partners.identifiers import PERSON_IDENTIFIER_TYPES
from kirjuri.partners.schemas import BasicInvoicingInfo  # one schema of that name (partner search too)

# Territories the contract leaves out of person addresses (PersonFullAddress, PersonBasicAddress).
NOT_FOR_PERSONS = frozenset({"BRITISH_INDIAN_OCEAN_TERRITORY", "NORTHERN_MARIANA_ISLANDS", "SAINT_MARTIN_FRENCH_PART"})
PERSON_COUNTRIES: tuple[str, ...] = tuple(c for c in COUNTRIES if c not in NOT_FOR_PERSONS)
PersonCountry = StrEnum("PersonCountry", {c: c for c in PERSON_COUNTRIES})  # type: ignore[misc]

# Identifier types in the contract's order (the set is `identifiers.PERSON_IDENTIFIER_TYPES`).
_IDENTIFIER_TYPE_ORDER = (
    "FI", "HETU", "YHD", "NO", "AT", "BE", "BG", "CY", "HR", "CZ", "DK", "EE", "FR", "DE", "GB", "EL",
    "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "XI",
)  # fmt: skip
assert frozenset(_IDENTIFIER_TYPE_ORDER) == PERSON_IDENTIFIER_TYPES


class PersonPaymentMethod(StrEnum):
    BANK_TRANSFER = "BANK_TRANSFER"
    DIRECT_DEBIT = "DIRECT_DEBIT"
    DIRECT_PAYMENT = "DIRECT_PAYMENT"
    CLEARING = "CLEARING"
    CREDIT_CARD_CHARGE = "CREDIT_CARD_CHARGE"
    FOREIGN_PAYMENT = "FOREIGN_PAYMENT"
    OTHER = "OTHER"
    CASH = "CASH"
    DOMESTIC_PAYMENT_PLUSGIRO = "DOMESTIC_PAYMENT_PLUSGIRO"
    DOMESTIC_PAYMENT_BANKGIRO = "DOMESTIC_PAYMENT_BANKGIRO"
    DOMESTIC_PAYMENT_CREDITOR = "DOMESTIC_PAYMENT_CREDITOR"
    DKLMPKRE = "DKLMPKRE"
    NETS = "NETS"


class PersonLanguage(StrEnum):
    ENGLISH = "ENGLISH"
    FINNISH = "FINNISH"
    SWEDISH = "SWEDISH"


class PersonGender(StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


def _text(max_length: int) -> Any:
    return Field(default=None, max_length=max_length)


Text35 = Annotated[str | None, _text(35)]
Text40 = Annotated[str | None, _text(40)]
Text45 = Annotated[str | None, _text(45)]
Text80 = Annotated[str | None, _text(80)]
Percent = Annotated[Decimal2, Field(ge=0, le=100), AfterValidator(plain)]
PenalInterest = Annotated[Decimal2, Field(ge=0, le=1000), AfterValidator(plain)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DAYS = re.compile(r"[0-9]{1,3}")


# --- Person (§D.5) -------------------------------------------------------------------------------------


class PersonFullAddress(WireModel):
    street: Text80 = None
    zip: Annotated[str | None, _text(20)] = None
    city: Text40 = None
    country: PersonCountry | None = None
    # Refused in Swedish environments (specifier, postOfficeBox).
    specifier: Text80 = None
    subdivision: Text35 = None
    post_office_box: Text80 = None


class PersonPaymentInfo(WireModel):
    payment_method: PersonPaymentMethod
    clearing_code: Text80 = None
    account_number: Text40 = None
    bic: Text40 = None
    # A string of 1–3 digits (days); a JSON integer is taken as its digits.
    payment_term_days: Annotated[str, Field(min_length=1, max_length=3)]
    payment_term_percentage: Percent | None = None
    penal_interest_rate: PenalInterest
    discount_percentage: Percent | None = None

    @field_validator("payment_term_days", mode="before")
    @classmethod
    def _days_as_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("payment_term_days")
    @classmethod
    def _days_are_digits(cls, value: str) -> str:
        if not _DAYS.fullmatch(value):
            raise PydanticCustomError("INVALID_PAYMENT_TERM_DAYS", "payment term days must be 1-3 digits")
        return value


class PersonInvoicingInfo(WireModel):
    person_number: Text40 = None
    # May be a personal identity code: never logged, never echoed in an error.
    identifier: Text80 = None
    identifier_type: Annotated[
        str | None, Field(default=None, max_length=20, json_schema_extra={"enum": list(_IDENTIFIER_TYPE_ORDER)})
    ] = None
    date_of_birth: date | None = None
    language: PersonLanguage
    gender: PersonGender
    home_country_person_id: Text45 = None


class PersonRegistryInfo(WireModel):
    active: bool
    mobile_phone: Text40 = None
    fax: Text40 = None
    phone: Text40 = None
    email: Text80 = None
    contact_person: Text80 = None
    default_reference: Text40 = None
    section: Text80 = None
    # Partner groups of type PERSON; each must exist (checked by the service).
    person_groups_ids: list[Int32] | None = None
    report_group_id: Int32 | None = None
    home_municipality: Text40 = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise PydanticCustomError("INVALID_EMAIL", "not an e-mail address")
        return value


class Person(WireModel):
    """A person-register entry; its id is also its business-partner id (type PERSON)."""

    id: Int32 | None = None
    first_name: Text80 = None
    last_name: Annotated[str, Field(min_length=1, max_length=80)]
    job_title: Text80 = None
    delivery_address: PersonFullAddress | None = None
    home_country_address: PersonFullAddress | None = None
    payment_info: PersonPaymentInfo
    invoicing_info: PersonInvoicingInfo
    registry_info: PersonRegistryInfo
    # Not allowed on POST, required on PUT (the latest value).
    version: datetime | None = None

    @field_validator("last_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("REQUIRED", "last name must not be blank")
        return value


# --- search results ------------------------------------------------------------------------------------


class PersonBasicAddress(WireModel):
    street: Text80 = None
    zip: Annotated[str | None, _text(20)] = None
    city: Text40 = None
    country: PersonCountry | None = None


class PersonBasicInvoicingInfo(WireModel):
    person_number: Text40 = None
    identifier: Text80 = None
    identifier_type: Annotated[
        str | None, Field(default=None, max_length=20, json_schema_extra={"enum": list(_IDENTIFIER_TYPE_ORDER)})
    ] = None


class PersonBasicRegistryInfo(WireModel):
    active: bool


class PersonBasicInfo(WireModel):
    id: Int32 | None = None
    last_name: str | None = None
    first_name: str | None = None
    delivery_address: PersonBasicAddress | None = None
    invoicing_info: PersonBasicInvoicingInfo | None = None
    registry_info: PersonBasicRegistryInfo | None = None

    @classmethod
    def of(cls, person: Person) -> PersonBasicInfo:
        address = person.delivery_address
        invoicing = person.invoicing_info
        return cls(
            id=person.id,
            last_name=person.last_name,
            first_name=person.first_name,
            delivery_address=PersonBasicAddress(
                street=address.street, zip=address.zip, city=address.city, country=address.country
            )
            if address
            else None,
            invoicing_info=PersonBasicInvoicingInfo(
                person_number=invoicing.person_number,
                identifier=invoicing.identifier,
                identifier_type=invoicing.identifier_type,
            ),
            registry_info=PersonBasicRegistryInfo(active=person.registry_info.active),
        )


class PersonSearchResult(SearchResult[PersonBasicInfo]):
    pass


# --- personal details of the logged-in user (§D.4) -----------------------------------------------------


class PersonAddress(WireModel):
    name: Text80 = None
    specifier: Text80 = None
    street: Text80 = None
    zip: Annotated[str | None, _text(20)] = None
    city: Text40 = None
    country: Country | None = None
    subdivision: Text35 = None


class BusinessPartnerPaymentDetails(WireModel):
    payment_method: PersonPaymentMethod | None = None
    # A person has no currency of its own: the company's.
    currency: Currency | None = None
    bank_account: BankAccount | None = None
    payment_term_days: str | None = None
    payment_term_percentage: Decimal2 | None = None
    penal_interest_rate: Decimal2 | None = None
    discount_percentage: Decimal2 | None = None
    clearing_code: str | None = None


class PersonalDetails(WireModel):
    partner_id: Int32 | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: Language | None = None
    address: PersonAddress | None = None
    payment_info: BusinessPartnerPaymentDetails | None = None
    invoicing_info: BasicInvoicingInfo | None = None

    @classmethod
    def of(cls, person: Person, *, currency: str | None = None) -> PersonalDetails:
        address, payment, invoicing = person.delivery_address, person.payment_info, person.invoicing_info
        full_name = " ".join(part for part in (person.first_name, person.last_name) if part)
        return cls(
            partner_id=person.id,
            first_name=person.first_name,
            last_name=person.last_name,
            language=Language(invoicing.language.value),
            address=PersonAddress(
                name=full_name[:80],
                specifier=address.specifier,
                street=address.street,
                zip=address.zip,
                city=address.city,
                country=Country(address.country.value) if address.country else None,
                subdivision=address.subdivision,
            )
            if address
            else None,
            payment_info=BusinessPartnerPaymentDetails(
                payment_method=payment.payment_method,
                currency=Currency(currency) if currency else None,
                bank_account=BankAccount(account_number=payment.account_number, bic=payment.bic)
                if payment.account_number or payment.bic
                else None,
                payment_term_days=payment.payment_term_days,
                payment_term_percentage=payment.payment_term_percentage,
                penal_interest_rate=payment.penal_interest_rate,
                discount_percentage=payment.discount_percentage,
                clearing_code=payment.clearing_code,
            ),
            invoicing_info=BasicInvoicingInfo(
                customer_number=invoicing.person_number,
                identifier=invoicing.identifier,
                identifier_type=invoicing.identifier_type,
            ),
        )


# --- Kirjuri extra: the user whose own entry a person is ----------------------------------------------


class KirjuriPersonUserLink(WireModel):
    """Body of `PUT /kirjuri/persons/{id}/user`: a user of the company, or null to unlink."""

    user_id: Int32 | None


class KirjuriPersonUser(WireModel):
    person_id: Int32 | None = None
    user_id: Int32 | None = None
