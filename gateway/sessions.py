"""Chat sessions belong to the user who opened them: the first use of a session id binds it.

The messaging channels' one conversation per user (``main``) is every user's own: its thread
key carries the user, so it is not bound to anyone.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from domain.store import Store
from domain.store.models import ChatSession
from gateway.channels.conversation import USER_THREAD

PER_USER_SESSIONS = frozenset({USER_THREAD})


def bind_session(store: Store, session_id: str, user_id: str) -> bool:
    """True when ``session_id`` is ``user_id``'s (bound now if nobody had it), else False."""
    if session_id in PER_USER_SESSIONS:
        return True
    with store.session() as s:
        row = s.get(ChatSession, session_id)
        if row is not None:
            return row.user_id == user_id
    try:
        with store.session() as s:
            s.add(ChatSession(session_id=session_id, user_id=user_id))
    except IntegrityError:  # someone bound it between the two transactions
        with store.session() as s:
            row = s.get(ChatSession, session_id)
            return row is not None and row.user_id == user_id
    return True
