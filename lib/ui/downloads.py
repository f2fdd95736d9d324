"""Downloads made when clicked, served to the session that clicked, and forgotten right after.

Streamlit keeps a download's bytes at ``/media/<id>`` for anyone who has the address, as long
as the sessions around keep running. Every download of the app is therefore a function
(``data=`` a callable: Streamlit runs it only when this session's user clicks, through this
session's websocket), and the file it made is dropped from Streamlit's memory a few seconds
later, once the browser has fetched it: a leaked address then gives nothing. Dropping it uses
Streamlit's media manager directly (no public API does it); if that ever changes, the file
simply lives until Streamlit's own cleanup, as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
FORGET_AFTER_S = 5.0  # the browser fetches the file at once; nobody should later


def made_on_click(make: Callable[[], bytes], mime: str, file_name: str) -> Callable[[], bytes]:
    """The ``data`` of a download button: ``make()`` at the click, the file forgotten soon."""

    def data() -> bytes:
        content = make()
        threading.Timer(FORGET_AFTER_S, _forget, (content, mime, file_name)).start()
        return content

    return data


def _forget(content: bytes, mime: str, file_name: str) -> None:
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.memory_media_file_storage import _calculate_file_id

        manager = Runtime.instance().media_file_mgr
        file_id = _calculate_file_id(content, mime, file_name)
        with manager._lock:
            if file_id in manager._file_metadata:
                manager._delete_file(file_id)
    except Exception:  # Streamlit's internals moved: its own cleanup still removes the file
        log.warning("a download could not be forgotten early", exc_info=True)
