r"""Talk to a running gateway the way the WhatsApp Cloud API does, and see its Graph replies.

This script is both sides of Meta: it posts signed webhook events (``X-Hub-Signature-256``,
HMAC-SHA256 of the raw body with the app secret) and runs a small Graph-like server that
receives the gateway's replies. Start the gateway pointed at it::

    QALAKAR_WHATSAPP_APP_SECRET=demo-secret QALAKAR_WHATSAPP_ACCESS_TOKEN=demo \\
    QALAKAR_WHATSAPP_API_URL=http://127.0.0.1:9009 qalakar serve
    python examples/whatsapp_cloud_chat.py --from 919876543210 \\
        "change the price of p-00012 to 950 rupees" --tap-yes

A confirmation comes back as Yes/No buttons; ``--tap-yes`` answers it by tapping Yes (an
``interactive.button_reply`` event), as a person would in WhatsApp.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import queue
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

NUMBER_ID = "106540352242922"
replies: queue.Queue[dict] = queue.Queue()


class Graph(BaseHTTPRequestHandler):
    """Accepts ``POST /{phone_number_id}/messages`` like Graph and keeps each message."""

    def log_message(self, *args: object) -> None:
        """Stay quiet: the chat is the output."""

    def do_POST(self) -> None:  # http.server's name
        """Keep one message Graph would have sent and answer as Graph does."""
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        replies.put(json.loads(body))
        answer = json.dumps({"messaging_product": "whatsapp",
                             "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def event(sender: str, message: dict) -> dict:
    """Meta's webhook envelope around one inbound message."""
    return {"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
            "contacts": [{"profile": {"name": "Demo"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": f"wamid.{uuid.uuid4().hex}",
                          "timestamp": str(int(time.time())), **message}]}}]}]}


def post(gateway: str, secret: str, payload: dict) -> None:
    """POST one signed event."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    response = httpx.post(f"{gateway.rstrip('/')}/channels/whatsapp", content=body, timeout=120,
                          headers={"content-type": "application/json",
                                   "X-Hub-Signature-256": signature})
    response.raise_for_status()


def show(reply: dict) -> dict:
    """Print what the gateway sent back."""
    if reply.get("type") == "interactive":
        inner = reply["interactive"]
        titles = [b["reply"]["title"] for b in inner["action"]["buttons"]]
        print(f"< {inner['body']['text']}  [{' | '.join(titles)}]")
    else:
        print(f"< {reply.get('text', {}).get('body')}")
    return reply


def main() -> int:
    """Send the messages; tap Yes on a confirmation when asked to."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="+")
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--secret", default="demo-secret", help="QALAKAR_WHATSAPP_APP_SECRET")
    parser.add_argument("--from", dest="sender", default="15551230001")
    parser.add_argument("--graph-port", type=int, default=9009)
    parser.add_argument("--tap-yes", action="store_true", help="confirm what the assistant asks")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.graph_port), Graph)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for text in args.messages:
            print(f"> {text}")
            message = {"type": "text", "text": {"body": text}}
            post(args.gateway, args.secret, event(args.sender, message))
            reply = show(replies.get(timeout=60))
            if reply.get("type") == "interactive" and args.tap_yes:
                yes = reply["interactive"]["action"]["buttons"][0]["reply"]
                print(f"> [tap {yes['title']}]")
                post(args.gateway, args.secret, event(args.sender, {
                    "type": "interactive",
                    "interactive": {"type": "button_reply", "button_reply": yes}}))
                show(replies.get(timeout=60))
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
