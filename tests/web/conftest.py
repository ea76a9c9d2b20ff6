"""The bundled corpus indexed once, and the web view served from a thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture(scope="session")
def web_db(tmp_path_factory, corpus) -> Path:
    from nlp_motioner.cli import main

    db = tmp_path_factory.mktemp("web") / "motioner.db"
    args = ["index", str(corpus), "--db", str(db), "--jobs", "1", "--timeout", "0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output  # the bundled scan and error page fail
    return db


@pytest.fixture()
def served(web_db):
    """(base URL, stop): the web view of `web_db` on a free local port."""
    from wsgiref.simple_server import make_server

    from nlp_motioner.web import _QuietHandler, _ThreadingServer, make_app

    server = make_server(
        "127.0.0.1", 0, make_app(str(web_db)), _ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
