"""``/ws/chat``: the conversation protocol of contracts §4 over one websocket.

:mod:`~gateway.ws.protocol` parses client frames and builds the server's (``turn_end`` and
``error`` in one place each); :mod:`~gateway.ws.voice` is the recording state machine and the
spoken reply; :mod:`~gateway.ws.session` authenticates, reads frames and runs turns.
"""

from gateway.ws.session import router

__all__ = ["router"]
