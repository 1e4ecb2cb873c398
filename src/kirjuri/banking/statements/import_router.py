"""Kirjuri's bank-file upload: `POST /api/kirjuri/bankstatements/import` (camt.053, camt.054, KTL).

Invariants: the body is read by `statements.upload` (streamed, bounded, 400 `FILE_TOO_LARGE` at
`file` beyond `banking.xml.MAX_BANK_FILE_BYTES`, also for a declared Content-Length before reading);
the import is the request's one transaction — any refusal stores nothing; the caller needs
`payments.bankStatementAndReferencePayment` with all rights.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from kirjuri.api.route import too_large_answer
from kirjuri.api.schemas import error_responses
from kirjuri.api.session import DbSession
from kirjuri.auth.dependencies import Principal, api_router, requires
from kirjuri.banking.statements import importing, upload
from kirjuri.banking.statements import schemas as wire
from kirjuri.banking.xml import too_large

router = api_router()

TAG = "Kirjuri: bank files"
Importer = Annotated[Principal, Depends(requires("payments.bankStatementAndReferencePayment", write=True))]

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/kirjuri/bankstatements/import",
    tags=[TAG],
    operation_id="kirjuriImportBankFile",
    response_model=wire.BankFileImportSummary,
    responses=error_responses(400, 403),
    openapi_extra=UPLOAD_BODY,
    max_body_size=upload.ROUTE_BODY_LIMIT,
)
@too_large_answer(too_large())
async def import_bank_file(request: Request, principal: Importer, session: DbSession) -> wire.BankFileImportSummary:
    """Import a bank file: part `file` of a `multipart/form-data` body, or the raw body. At most
    20,000,000 bytes. Known statements, events and reference payments are skipped; new reference
    payments are matched to sales invoices (or posted to suspense)."""
    received = await upload.read_bank_upload(request)
    summary = await run_in_threadpool(
        lambda: importing.import_file(
            session,
            company_id=principal.company_id,
            data=received.data,
            filename=received.filename,
            user_id=principal.user_id,
        )
    )
    return wire.BankFileImportSummary.model_validate(summary.as_dict())
