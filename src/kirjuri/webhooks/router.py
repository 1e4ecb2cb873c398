"""HTTP endpoints of webhooks: the contract's management endpoints (§D.27) and Kirjuri's extras
under `/kirjuri/webhooks/{uuid}/…` (status, signing secret and its rotation, deliveries with their
attempts, manual retry).

Invariants: a webhook is seen and changed only in the principal's company (another company's
uuid is 404). Rights: webhooks are company settings, so reading them needs
`management.basicCompanyInfo` at viewing level and every change — and reading the signing
secret — needs it at ALL_RIGHTS. The secret travels only in the body of the secret endpoints,
never in a URL or a log. GET handlers never write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.requests import Request
from starlette.responses import Response

from kirjuri.api.paging import page_request
from kirjuri.api.schemas import InfoMessage, SearchResultMetaData, error_responses
from kirjuri.api.session import DbSession
from kirjuri.api.wire import WireResponse, to_plain
from kirjuri.auth.dependencies import Principal, api_router, requires
from kirjuri.core.paging import DEFAULT_PAGE_SIZE, Order, PageRequest
from kirjuri.webhooks import repository, rules, service
from kirjuri.webhooks import schemas as wire

router = api_router()

TAG = "Webhooks"
EXTRAS_TAG = "Kirjuri: webhooks"
RIGHT = rules.SETTINGS_RIGHT

Viewer = Annotated[Principal, Depends(requires(RIGHT))]
Editor = Annotated[Principal, Depends(requires(RIGHT, write=True))]
WebhookUuid = Annotated[str, Path(alias="uuid", max_length=36)]


def _paging(
    size: Annotated[int, Query(description="Page size, 1–200.")] = DEFAULT_PAGE_SIZE,
    page: Annotated[int, Query(description="Zero-based page number.")] = 0,
) -> PageRequest:
    """Page/size paging only (§D.27): the order is `orderByCreatedDate`, there is no `previousId`."""
    return page_request(size=size, page=page, previous_id=None, order_by_id=Order.DESC)


Paging = Annotated[PageRequest, Depends(_paging)]


def _receiving(request: Request) -> service.Receiving:
    settings = request.app.state.settings
    resolver = getattr(request.app.state, "webhook_resolver", None)
    receiving = service.Receiving(sandbox=settings.sandbox, server_secret=settings.secret_key.get_secret_value())
    if resolver is not None:  # tests inject name resolution
        receiving = service.Receiving(receiving.sandbox, receiving.server_secret, resolver)
    return receiving


def _input(body: wire.Webhook) -> service.WebhookInput:
    return service.WebhookInput(
        url=body.url,
        authentication_type=body.authentication_type.value,
        authentication_meta=dict(body.authentication_meta or {}),
        subscriptions=[event.value for event in body.subscriptions],
    )


@router.post(
    "/webhooks",
    tags=[TAG],
    operation_id="createWebhook",
    response_model=wire.CreatedWebhookResponse,
    responses=error_responses(400, 403),
)
def create_webhook(
    body: wire.Webhook, request: Request, principal: Editor, session: DbSession
) -> wire.CreatedWebhookResponse:
    """Register a webhook. The receiver URL must be https and resolve to public addresses only
    (sandbox servers also allow http and private addresses). Deliveries are signed the Standard
    Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`) when
    `authenticationType` is HMAC; the secret is `authenticationMeta.secret` when given, else
    generated (read it from `GET /api/kirjuri/webhooks/{uuid}/secret`)."""
    row = service.create(session, company_id=principal.company_id, data=_input(body), receiving=_receiving(request))
    return wire.CreatedWebhookResponse(status=200, uuid=row.uuid)


@router.get(
    "/webhooks",
    tags=[TAG],
    operation_id="searchWebhooks",
    response_model=wire.WebhookSearchResult,
    responses=error_responses(400, 403),
)
def search_webhooks(
    *,
    principal: Viewer,
    session: DbSession,
    paging: Paging,
    url: Annotated[str | None, Query()] = None,
    event_type: Annotated[list[wire.SearchableEventType] | None, Query(alias="eventType")] = None,
    order_by_created_date: Annotated[wire.SortOrder, Query(alias="orderByCreatedDate")] = wire.SortOrder("DESC"),
) -> wire.WebhookSearchResult:
    """The company's webhooks, newest first unless `orderByCreatedDate=ASC`, optionally only those
    with exactly this `url` or subscribed to any of `eventType`."""
    filters = repository.WebhookFilter(
        url=url or None,
        event_types=rules.check_filter_event_types([e.value for e in event_type or []]),
        order=Order(order_by_created_date.value),
    )
    rows, meta = repository.search(session, company_id=principal.company_id, filters=filters, page=paging)
    return wire.WebhookSearchResult(results=[wire.webhook_out(row) for row in rows], meta=SearchResultMetaData.of(meta))


@router.put(
    "/webhooks/{uuid}",
    tags=[TAG],
    operation_id="updateWebhook",
    response_model=InfoMessage,
    responses=error_responses(400, 403, 404),
)
def update_webhook(
    webhook_uuid: WebhookUuid, body: wire.Webhook, request: Request, principal: Editor, session: DbSession
) -> InfoMessage:
    """Replace URL, authentication and subscriptions (checked as on create). The signing secret
    stays unless `authenticationMeta.secret` gives a new one."""
    service.replace(
        session,
        company_id=principal.company_id,
        webhook_uuid=webhook_uuid,
        data=_input(body),
        receiving=_receiving(request),
    )
    return InfoMessage(message="Webhook updated")


@router.delete(
    "/webhooks/{uuid}",
    tags=[TAG],
    operation_id="deleteWebhook",
    status_code=204,
    responses=error_responses(403, 404),
)
def delete_webhook(webhook_uuid: WebhookUuid, principal: Editor, session: DbSession) -> Response:
    """Remove the webhook with its subscriptions and pending deliveries."""
    service.delete(session, company_id=principal.company_id, webhook_uuid=webhook_uuid)
    return Response(status_code=204)


# --- Kirjuri extras ---------------------------------------------------------------------------------


@router.get(
    "/kirjuri/webhooks/{uuid}",
    tags=[EXTRAS_TAG],
    operation_id="getWebhookStatus",
    response_model=wire.WebhookStatus,
    responses=error_responses(403, 404),
)
def webhook_status(webhook_uuid: WebhookUuid, principal: Viewer, session: DbSession) -> wire.WebhookStatus:
    """ACTIVE, or FAILING since a delivery was dead-lettered (ACTIVE again after a success or a PUT)."""
    row = service.get(session, company_id=principal.company_id, webhook_uuid=webhook_uuid)
    return wire.WebhookStatus(
        uuid=row.uuid, status=row.status, failing_since=row.failing_since, created_at=row.created_at
    )


@router.get(
    "/kirjuri/webhooks/{uuid}/secret",
    tags=[EXTRAS_TAG],
    operation_id="getWebhookSecret",
    response_model=wire.WebhookSecret,
    responses=error_responses(403, 404, 409),
)
def webhook_secret(webhook_uuid: WebhookUuid, request: Request, principal: Editor, session: DbSession) -> Response:
    """The Standard Webhooks signing secret (`whsec_…`) of the webhook (verify with
    `standardwebhooks.Webhook(secret).verify(body, headers)`)."""
    value = service.secret(
        session,
        company_id=principal.company_id,
        webhook_uuid=webhook_uuid,
        server_secret=request.app.state.settings.secret_key.get_secret_value(),
    )
    return _no_store(wire.WebhookSecret(uuid=webhook_uuid, secret=value))


@router.post(
    "/kirjuri/webhooks/{uuid}/secret/rotate",
    tags=[EXTRAS_TAG],
    operation_id="rotateWebhookSecret",
    response_model=InfoMessage,
    responses=error_responses(403, 404),
)
def rotate_webhook_secret(
    webhook_uuid: WebhookUuid, request: Request, principal: Editor, session: DbSession
) -> InfoMessage:
    """Replace the signing secret with a new generated one; later attempts are signed with it.
    Read the new secret from `GET …/secret`: a POST response is not the place for it (responses
    to requests with an `Idempotency-Key` are stored for replay)."""
    service.rotate_secret(
        session,
        company_id=principal.company_id,
        webhook_uuid=webhook_uuid,
        server_secret=request.app.state.settings.secret_key.get_secret_value(),
    )
    return InfoMessage(message="Webhook secret rotated")


def _no_store(body: wire.WebhookSecret) -> Response:
    return WireResponse(to_plain(body), headers={"Cache-Control": "no-store"})


@router.get(
    "/kirjuri/webhooks/{uuid}/deliveries",
    tags=[EXTRAS_TAG],
    operation_id="searchWebhookDeliveries",
    response_model=wire.DeliverySearchResult,
    responses=error_responses(400, 403, 404),
)
def webhook_deliveries(
    webhook_uuid: WebhookUuid, principal: Viewer, session: DbSession, paging: Paging
) -> wire.DeliverySearchResult:
    """The webhook's deliveries, newest first, each with its event type, status and attempts
    (time, duration, response code, error, the start of the response body)."""
    row = service.get(session, company_id=principal.company_id, webhook_uuid=webhook_uuid)
    found, meta = repository.deliveries(session, company_id=principal.company_id, webhook_id=row.id, page=paging)
    attempts = repository.attempts(session, company_id=principal.company_id, delivery_ids=[d.id for d, _ in found])
    results = [wire.delivery_out(d, event_type, attempts[d.id]) for d, event_type in found]
    return wire.DeliverySearchResult(results=results, meta=SearchResultMetaData.of(meta))


@router.post(
    "/kirjuri/webhooks/{uuid}/deliveries/{id}/retry",
    tags=[EXTRAS_TAG],
    operation_id="retryWebhookDelivery",
    response_model=InfoMessage,
    responses=error_responses(403, 404, 409),
)
def retry_webhook_delivery(
    webhook_uuid: WebhookUuid,
    delivery_id: Annotated[str, Path(alias="id", max_length=36)],
    principal: Editor,
    session: DbSession,
) -> InfoMessage:
    """Make a pending or dead-lettered delivery due now, with a fresh retry schedule."""
    service.retry_delivery(session, company_id=principal.company_id, webhook_uuid=webhook_uuid, delivery_id=delivery_id)
    return InfoMessage(message="Delivery queued")
