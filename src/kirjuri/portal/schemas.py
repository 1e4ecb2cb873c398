"""Form models of the developer portal (HTML forms, not wire schemas).

Invariant: what a form stores fits the tables and the Windows-1252 rule of the wire (names
and company names are later served by the API); a form that fails validation is shown again
with one readable message per field — never the JSON error body.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, ValidationError

from kirjuri.auth.rules import valid_redirect_uri
from kirjuri.core.text import is_cp1252

MIN_PASSWORD = 12


def _cp1252(value: str) -> str:
    if not is_cp1252(value):
        raise ValueError("contains characters outside Windows-1252")
    return value


def _redirect_uri(value: str) -> str:
    if not valid_redirect_uri(value):
        raise ValueError("not a clean http(s) URL")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), AfterValidator(_cp1252)]


class RegisterForm(BaseModel):
    username: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=100, pattern=r"^[A-Za-z0-9._@+-]+$")
    ]
    first_name: Name
    last_name: Name
    email: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    ]
    password: Annotated[str, Field(min_length=MIN_PASSWORD, max_length=1024)]


class SandboxForm(BaseModel):
    company_name: Name
    redirect_uri: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_redirect_uri)
    ]


class ApiKeyForm(BaseModel):
    company_id: Annotated[int, Field(gt=0, lt=2**31)]
    client_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(_cp1252)] = ""


class BankFileForm(BaseModel):
    company_id: Annotated[int, Field(gt=0, lt=2**31)]


FIELD_HELP = {
    "username": "Username: 3–100 characters; letters, digits and . _ @ + - only.",
    "first_name": "First name: 1–80 characters.",
    "last_name": "Last name: 1–80 characters.",
    "email": "E-mail: give a valid e-mail address.",
    "password": f"Password: at least {MIN_PASSWORD} characters.",
    "company_name": "Company name: 1–80 characters (Windows-1252 letters only).",
    "redirect_uri": "Redirect URI: an http(s) URL without query string or fragment, e.g. https://app.example.com/callback.",
    "company_id": "Company: choose one of your companies.",
    "client_id": "Client id: type the client id of the integration.",
    "name": "Name: at most 100 characters.",
}


def form_errors(exc: ValidationError) -> dict[str, str]:
    """field → readable message, for re-rendering the form."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(field, FIELD_HELP.get(field, "Check this value."))
    return errors


FormT = TypeVar("FormT", bound=BaseModel)


def parse(model: type[FormT], data: dict[str, Any]) -> tuple[FormT | None, dict[str, str]]:
    """(the model, {}) or (None, errors)."""
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        return None, form_errors(exc)
