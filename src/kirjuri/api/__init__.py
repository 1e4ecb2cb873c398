"""Wire conventions shared by every router: error body, JSON with exact decimals, paging
envelope, batch ids, version and ETag checks, idempotency keys, rate limits, request ids and
the base paths of every API version."""
