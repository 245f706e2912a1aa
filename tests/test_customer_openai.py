"""The OpenAI-compatible backend against a real local HTTP server speaking SSE."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.fakes import word_embed
from trainer.customer import CustomerContext, CustomerError, make_backend
from trainer.types import Turn

# The reranker gets a bag-of-words embedder, so this transport test loads no model; the
# real MiniLM ranks candidates in the transformers backend's own (slow) tests.


class _Server:
    def __init__(self) -> None:
        self.reply = ""
        self.status = 200
        self.requests: list[dict[str, Any]] = []


def _handler(state: _Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep pytest output clean
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "body": body})
            if state.status != 200:
                self.send_response(state.status)
                self.end_headers()
                self.wfile.write(b'{"error": "model not loaded"}')
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for word in state.reply.split(" "):
                event = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, _Server]]:
    state = _Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", state
    httpd.shutdown()
    httpd.server_close()


def _ctx(scenario: Any, reply: str) -> CustomerContext:
    return CustomerContext(
        scenario=scenario,
        stage=scenario.stages[0],
        mood=75,
        mood_change=5,
        history=[Turn("customer", scenario.opening), Turn("employee", reply)],
        revealed_facts=[scenario.fact("third-visit")],
        seed=3,
        turn_index=1,
    )


def test_streams_a_line_from_the_server(server: tuple[str, _Server], scenario: Any) -> None:
    url, state = server
    state.reply = "Third time now. Are you even listening? I paid for this repair."
    backend = make_backend("openai", url=url, embed=word_embed)
    chunks: list[str] = []
    line = backend.respond(_ctx(scenario, "Did you bring your receipt?"), on_chunk=chunks.append)
    assert line.source == "model"
    assert line.text == state.reply
    assert "".join(chunks) == line.text
    request = state.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["stream"] is True
    assert request["body"]["seed"] == 3001
    assert 'Staff: "Did you bring your receipt?"' in request["body"]["messages"][1]["content"]


def test_employee_voiced_reply_falls_back_to_the_script(
    server: tuple[str, _Server], scenario: Any
) -> None:
    url, state = server
    state.reply = "I'm so sorry about that, let me help you with your laptop."
    line = make_backend("openai", url=url).respond(_ctx(scenario, "Hello"))
    assert line.source == "script"
    assert line.text in {*scenario.stages[0].lines, *scenario.stages[0].angrier_lines}
    assert line.rejected and line.rejected[0][1] in ("apologises", "offers help like the employee")


def test_http_error_is_one_clear_line(server: tuple[str, _Server], scenario: Any) -> None:
    url, state = server
    state.status = 503
    with pytest.raises(CustomerError, match="answered HTTP 503"):
        make_backend("openai", url=url).respond(_ctx(scenario, "Hello"))


def test_unreachable_url_is_a_clear_error(scenario: Any) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = make_backend("openai", url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(CustomerError, match=r"cannot reach the customer model at .*--customer-url"):
        backend.respond(_ctx(scenario, "Hello"))
