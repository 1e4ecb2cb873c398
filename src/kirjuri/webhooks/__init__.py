"""Webhooks: subscriptions, the event catalogue, the outbox, signed delivery with retries."""
