r"""Talk to a running gateway the way Twilio does: signed, form-encoded SMS webhooks.

Start the gateway with the same token and public URL, e.g.::

    QALAKAR_TWILIO_AUTH_TOKEN=demo-token QALAKAR_PUBLIC_URL=http://127.0.0.1:8000 qalakar serve
    python examples/twilio_sms_chat.py --from +919876543210 \\
        "show my pending orders" "change the price of p-00012 to 950 rupees" "yes"

Each message is signed exactly as Twilio signs it (HMAC-SHA1 over the URL and the sorted form
fields, base64); the TwiML reply is printed message by message. Use a creator's phone number
(``qalakar`` seeds them) to act as that creator; any other number chats as a buyer guest.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import sys
import uuid
import xml.etree.ElementTree as ET

import httpx


def sign(token: str, url: str, form: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature for ``url`` and ``form``."""
    payload = url + "".join(k + form[k] for k in sorted(form))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def main() -> int:
    """Send each message in turn and print the replies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="+", help="what to text, one turn each")
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--public-url", default=None,
                        help="QALAKAR_PUBLIC_URL (default: --gateway)")
    parser.add_argument("--token", default="demo-token", help="QALAKAR_TWILIO_AUTH_TOKEN")
    parser.add_argument("--from", dest="sender", default="+15551230001")
    parser.add_argument("--channel", choices=("sms", "whatsapp"), default="sms")
    args = parser.parse_args()
    path = f"/channels/twilio/{args.channel}"
    signed_url = (args.public_url or args.gateway).rstrip("/") + path
    sender = args.sender if args.channel == "sms" else f"whatsapp:{args.sender}"
    for text in args.messages:
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                "From": sender, "To": "+15005550006", "Body": text, "NumMedia": "0"}
        response = httpx.post(args.gateway.rstrip("/") + path, data=form, timeout=60,
                              headers={"X-Twilio-Signature": sign(args.token, signed_url, form)})
        print(f"> {text}")
        if response.status_code != 200:
            print(f"! {response.status_code} {response.text}")
            return 1
        for message in ET.fromstring(response.text).findall("Message"):
            print(f"< {message.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
