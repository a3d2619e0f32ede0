"""Messaging channels: Twilio SMS/WhatsApp and WhatsApp Cloud API webhooks, and delivery.

Each provider module verifies its webhook's signature before reading anything, maps the
sender to a user (:mod:`gateway.channels.people`), answers each provider message once
(:mod:`gateway.channels.conversation`) and replies on its own wire format. Notifications go
out through :mod:`gateway.channels.dispatch`, run by ``qalakar worker``.
"""
