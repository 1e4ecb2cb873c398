"""Payment references (`invoicing.references`): the Finnish 7-3-1 reference, its RF form, what a
client may send, how references are printed and the one generated for an invoice. Expected values
are published examples (Finance Finland's reference and barcode guides, ISO 11649 examples in
python-stdnum) or worked by hand in the comments."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import references
from kirjuri.invoicing.document import ReferenceType

FIELD, TYPE_FIELD = "paymentInfo.bankReferenceCode", "paymentInfo.bankReferenceCodeType"
FI, RF = ReferenceType.FI, ReferenceType.RF

# --- building references -------------------------------------------------------------------------------

FINNISH = [
    ("123", "1232"),  # DOMAIN.md: 3·7 + 2·3 + 1·1 = 28 → 2
    ("234823", "2348236"),  # the banks' guide example
    ("123456", "1234561"),  # printed `12 34561` in the banks' guide
    ("1234567", "12345672"),  # 7·7+6·3+5·1+4·7+3·3+2·1+1·7 = 118 → 2
    ("123456712345678", "1234567123456784"),  # printed `1 23456 71234 56784` (sum 246 → 4)
    ("1111", "11112"),  # the reference of the barcode guide's RF98 11112 sample
    ("107", "1070"),  # 7·7 + 0·3 + 1·1 = 50 → 0: a zero check digit
    ("1234567890123456789", "12345678901234567894"),  # 19-digit base, sum 336 → 4
    ("000123", "1232"),  # leading zeros are not significant
    (" 123 ", "1232"),
]


@pytest.mark.parametrize(("base", "expected"), FINNISH)
def test_finnish_reference(base: str, expected: str) -> None:
    assert references.finnish_reference(base) == expected


def test_finnish_reference_from_an_int() -> None:
    assert references.finnish_reference(234823) == "2348236"


@pytest.mark.parametrize(("base", "digit"), [("123", "2"), ("234823", "6"), ("107", "0"), ("0", "0"), ("1", "3")])
def test_finnish_check_digit(base: str, digit: str) -> None:
    assert references.finnish_check_digit(base) == digit


@pytest.mark.parametrize("base", ["", "12a", "1-2", "١٢٣", "+123"])
def test_finnish_check_digit_refuses_non_digits(base: str) -> None:
    with pytest.raises(ValueError):
        references.finnish_check_digit(base)


@pytest.mark.parametrize("base", ["12", "0012", "", "12345678901234567890", "12a", "-123", -123, "١٢٣"])
def test_finnish_reference_refuses_bad_bases(base: str | int) -> None:
    with pytest.raises(ValueError):
        references.finnish_reference(base)


RF_FORMS = [
    ("2348236", "RF332348236"),  # DOMAIN.md §2.2.2 (RF33 2348 236)
    ("11112", "RF9811112"),  # the barcode guide's version 5 sample
    ("868516259619897", "RF09868516259619897"),  # barcode guide, invoice 1: v4 and v5 forms
    ("559582243294671", "RF06559582243294671"),  # barcode guide, invoice 2
    ("92125374252539897737", "RF7192125374252539897737"),  # barcode guide, invoice 7: 20 digits
    ("1357914", "RF951357914"),  # barcode guide, invoice 9
    ("23 48236", "RF332348236"),  # printed form accepted
]


@pytest.mark.parametrize(("finnish", "expected"), RF_FORMS)
def test_rf_reference(finnish: str, expected: str) -> None:
    assert references.rf_reference(finnish) == expected


@pytest.mark.parametrize("finnish", ["2348237", "12", "RF332348236", "abc", ""])
def test_rf_reference_needs_a_valid_finnish_reference(finnish: str) -> None:
    with pytest.raises(ValueError):
        references.rf_reference(finnish)


# --- client values -------------------------------------------------------------------------------------

VALID = [
    ("1232", "1232", FI),
    ("123", "123", FI),  # 3 digits: tolerated, some banks accept it (2·7 + 1·3 = 17 → 3)
    ("23 48236", "2348236", FI),
    ("69 87567 20834 35364", "69875672083435364", FI),  # barcode guide, invoice 3, as printed
    ("92125 37425 25398 97737", "92125374252539897737", FI),  # 20 digits, the maximum
    ("00001232", "1232", FI),  # leading zeros dropped
    ("\t1232\n", "1232", FI),
    ("RF332348236", "RF332348236", RF),
    ("rf33 2348 236", "RF332348236", RF),
    ("RF18 5390 0754 7034", "RF18539007547034", RF),  # ISO 11649 example (python-stdnum)
    ("RF18 5390 0754 70Y", "RF185390075470Y", RF),  # letters are allowed in an RF body
    ("RF71 9212 5374 2525 3989 7737", "RF7192125374252539897737", RF),  # 24 characters
]


@pytest.mark.parametrize(("text", "compact", "kind"), VALID)
def test_validate_accepts(text: str, compact: str, kind: ReferenceType) -> None:
    assert references.validate(text, field=FIELD) == (compact, kind)
    assert references.validate(text, field=FIELD, kind=kind) == (compact, kind)
    assert references.validate(text, field=FIELD, kind=kind.value.lower()) == (compact, kind)


INVALID = [
    "1233",  # check digit should be 2
    "2348237",  # check digit should be 6
    "12",  # too short even for the banks that accept 3 digits
    "0000",  # no significant digit
    "",
    "   ",
    "123456789012345678907",  # 21 digits (20-digit base with its check digit 7)
    "12-32",  # hyphens are not separators
    "1232a",
    "١٢٣٢",  # Arabic-Indic digits are digits to Python, not to a bank
    "RF332348237",  # RF body changed: check digits no longer match
    "RF342348236",  # RF check digits changed
    "RF33",  # no body
    "RF3",
    "RFAB2348236",  # check digits must be digits
    "RF33 2348 236!",
    "RF33ÄÄKKÖSET",  # ISO 11649 allows A–Z and 0–9 only
    "RF04" + "1" * 22,  # body of 22 characters: 26 in all
    "FI332348236",
]


@pytest.mark.parametrize("text", INVALID)
def test_validate_refuses(text: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        references.validate(text, field=FIELD)
    assert (caught.value.code, caught.value.status, caught.value.field) == ("INVALID_REFERENCE", 400, FIELD)
    if len(text.strip()) >= 3:
        assert text.strip() not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("RF332348236", FI),  # bankReferenceCodeType FI with an RF value
        ("RF332348236", "FI"),
        ("2348236", RF),
        ("2348236", "rf"),
    ],
)
def test_validate_refuses_a_type_mismatch(text: str, kind: ReferenceType | str) -> None:
    with pytest.raises(KirjuriError) as caught:
        references.validate(text, field=FIELD, kind=kind)
    assert (caught.value.code, caught.value.status, caught.value.field) == ("REFERENCE_TYPE_MISMATCH", 400, FIELD)


def test_an_invalid_value_is_invalid_whatever_its_type() -> None:
    with pytest.raises(KirjuriError) as caught:
        references.validate("RF342348236", field=FIELD, kind=FI)
    assert caught.value.code == "INVALID_REFERENCE"


@pytest.mark.parametrize(
    ("kind", "kind_field", "expected_field"), [("OCR", TYPE_FIELD, TYPE_FIELD), ("KID", None, FIELD)]
)
def test_validate_refuses_types_it_cannot_check(kind: str, kind_field: str | None, expected_field: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        references.validate("1232", field=FIELD, kind=kind, kind_field=kind_field)
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "UNSUPPORTED_REFERENCE_TYPE",
        400,
        expected_field,
    )


@pytest.mark.parametrize(("text", "expected"), [(" rf33 2348 236 ", "RF332348236"), ("23\t48236", "2348236")])
def test_normalise(text: str, expected: str) -> None:
    assert references.normalise(text) == expected


# --- printing --------------------------------------------------------------------------------------------

PRINTED = [
    # Finnish: groups of five counted from the right, as printed in the banks' guides.
    ("1234561", "12 34561"),
    ("1234567123456784", "1 23456 71234 56784"),
    ("868516259619897", "86851 62596 19897"),
    ("69875672083435364", "69 87567 20834 35364"),
    ("7758474790647489", "7 75847 47906 47489"),
    ("868624", "8 68624"),
    ("92125374252539897737", "92125 37425 25398 97737"),
    ("590738390", "5907 38390"),
    ("1232", "1232"),
    ("12345", "12345"),
    ("69 87567 20834 35364", "69 87567 20834 35364"),  # already printed: unchanged
    # RF: groups of four from the left.
    ("RF332348236", "RF33 2348 236"),
    ("RF9811112", "RF98 1111 2"),
    ("RF18539007547034", "RF18 5390 0754 7034"),
    ("rf0269875672 0834", "RF02 6987 5672 0834"),
]


@pytest.mark.parametrize(("reference", "expected"), PRINTED)
def test_printed(reference: str, expected: str) -> None:
    assert references.printed(reference) == expected


# --- generated references --------------------------------------------------------------------------------

GENERATED = [
    (1, "FI", ("1012", FI)),  # base 101: 1·7 + 0·3 + 1·1 = 8 → 2
    (7, "FI", ("1070", FI)),
    (42, "FI", ("1423", FI)),  # base 142: 2·7 + 4·3 + 1·1 = 27 → 3
    (101, "FI", ("11015", FI)),  # not 1012: invoice 1 and invoice 101 differ
    (1234, "FI", ("112341", FI)),  # base 11234: 28 + 9 + 2 + 7 + 3 = 49 → 1
    (1234, "RF", ("RF84112341", RF)),  # 112341 + RF00 → 112341271500 mod 97 = 14; 98 − 14 = 84
    (1234, RF, ("RF84112341", RF)),
    (1234, "rf", ("RF84112341", RF)),
    (2_147_483_647, "FI", ("121474836475", FI)),  # the largest int32 invoice number
]


@pytest.mark.parametrize(("number", "setting", "expected"), GENERATED)
def test_generate(number: int, setting: str, expected: tuple[str, ReferenceType]) -> None:
    assert references.generate(invoice_number=number, company_setting=setting) == expected


@pytest.mark.parametrize(("number", "setting"), [(0, "FI"), (-5, "FI"), (True, "FI"), (1, "OCR"), (1, "")])
def test_generate_refuses_programming_errors(number: int, setting: str) -> None:
    with pytest.raises(ValueError):
        references.generate(invoice_number=number, company_setting=setting)


def test_generated_references_do_not_collide() -> None:
    generated = {references.generate(invoice_number=n, company_setting="FI")[0] for n in range(1, 1200)}
    assert len(generated) == 1199


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=2**31 - 1), st.sampled_from(["FI", "RF"]))
def test_every_generated_reference_validates(number: int, setting: str) -> None:
    reference, kind = references.generate(invoice_number=number, company_setting=setting)
    assert kind == setting
    assert references.validate(reference, field=FIELD, kind=kind) == (reference, kind)
    assert references.validate(references.printed(reference), field=FIELD) == (reference, kind)
    if kind is FI:
        assert reference[1:-1].lstrip("0") == str(number).lstrip("0")  # the invoice number is readable
        rf = references.rf_reference(reference)
        assert references.validate(rf, field=FIELD, kind=RF) == (rf, RF)
    else:
        assert references.validate(reference[4:], field=FIELD, kind=FI)[0] == reference[4:]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{2,18}", fullmatch=True))
def test_any_base_gives_a_valid_reference_and_rf_form(base: str) -> None:
    reference = references.finnish_reference(base)
    assert references.validate(reference, field=FIELD) == (reference, FI)
    rf = references.rf_reference(reference)
    assert references.validate(rf, field=FIELD) == (rf, RF)
    # A single changed digit is always caught by the 7-3-1 check digit.
    position = len(reference) - 2
    changed = reference[:position] + str((int(reference[position]) + 1) % 10) + reference[position + 1 :]
    with pytest.raises(KirjuriError):
        references.validate(changed, field=FIELD)
