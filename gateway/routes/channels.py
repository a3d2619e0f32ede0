"""Messaging webhooks (contracts §3): Twilio SMS/WhatsApp and the WhatsApp Cloud API."""

from fastapi import APIRouter

from gateway.channels import twilio, whatsapp

router = APIRouter()
router.include_router(twilio.router)
router.include_router(whatsapp.router)
