"""The child process that runs llama.cpp, so that a native crash (a SIGSEGV in a CPU kernel, a SIGILL from a
build made for another CPU) costs one answer's prose and never the CLI or the Streamlit server.

Protocol: JSON lines. The parent sends the load request first, then one request at a time:
    {"model_path", "n_ctx", "n_threads", "n_gpu_layers"}   -> {"ready": true, "n_gpu_layers", "chat_template",
                                                                "system_info"} | {"error"}
    {"op": "count", "text"}                                -> {"n"}
    {"op": "complete", "prompt", "max_tokens", "stop", "grammar", "temperature", "repeat_penalty"}
    {"op": "chat", "messages", "max_tokens", "stop", "grammar", "temperature", "repeat_penalty"[, "start"]}
                                                           -> {"text"}... then {"done": true} | {"error"}
    {"op": "cancel"} while either streams                   -> it stops, {"done": true}
"chat" runs the GGUF's own chat template (`create_chat_completion`); "chat_template" says whether it has one.
With "start", the template is rendered and the assistant's turn begins with those words (they are not sent
back): a small model told how to begin stays in the question's language and on the answer's topic.
The worker exits when its stdin closes, so it never outlives the process that started it.

This module imports nothing heavy at the top: the parent imports `Lines` from it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys


def _readable(fd: int, timeout: float) -> bool:
    """Whether `fd` has something to read (or is closed) within `timeout` seconds. poll, not select: select
    refuses a descriptor numbered 1024 or more ("filedescriptor out of range"), which a process holding many
    libraries' Chroma and SQLite files reaches, and the model was then reported unavailable."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(0, round(timeout * 1000))))


class Lines:
    """Newline-delimited JSON over raw file descriptors, with a timeout on reads.

    Raw `os.read` rather than a buffered file: `poll` cannot see what a buffered reader already holds.
    """

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd
        self._buffer = b""

    def send(self, message: dict) -> None:
        data = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
        while data:
            data = data[os.write(self.write_fd, data) :]

    def pending(self) -> bool:
        return b"\n" in self._buffer or _readable(self.read_fd, 0)

    def recv(self, timeout: float | None = None) -> dict | None:
        """The next message; None at end of stream; TimeoutError if nothing complete arrives in `timeout`."""
        while b"\n" not in self._buffer:
            if timeout is not None and not _readable(self.read_fd, timeout):
                raise TimeoutError
            chunk = os.read(self.read_fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)


def _chat_prompt(llama, messages: list[dict]) -> str:
    """The GGUF's chat template rendered up to the assistant's turn, as create_chat_completion renders it."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def text(token: int) -> str:
        return llama._model.token_get_text(token) if token != -1 else ""

    formatter = Jinja2ChatFormatter(
        llama.metadata["tokenizer.chat_template"], text(llama.token_eos()), text(llama.token_bos())
    )
    return formatter(messages=messages).prompt


def _serve(channel: Lines) -> None:
    # Only the worker process loads llama.cpp; the parent imports this module for the pipe protocol alone.
    from llama_cpp import Llama, LlamaGrammar, llama_print_system_info, llama_supports_gpu_offload

    load = channel.recv()
    if load is None:
        return
    n_gpu_layers = load.get("n_gpu_layers")
    if n_gpu_layers is None:
        n_gpu_layers = -1 if llama_supports_gpu_offload() else 0
    try:
        llama = Llama(
            model_path=load["model_path"],
            n_ctx=load["n_ctx"],
            n_threads=load["n_threads"],
            n_gpu_layers=n_gpu_layers,
            verbose=False,
        )
    except Exception as exc:  # noqa: BLE001 - llama.cpp raises ValueError/RuntimeError for bad files
        channel.send({"error": " ".join(str(exc).split())[:200] or exc.__class__.__name__})
        return
    channel.send(
        {
            "ready": True,
            "n_gpu_layers": n_gpu_layers,
            "system_info": llama_print_system_info().decode(),
            "chat_template": bool(llama.metadata.get("tokenizer.chat_template")),
        }
    )

    while (request := channel.recv()) is not None:
        op = request.get("op")
        try:
            if op == "count":
                channel.send({"n": len(llama.tokenize(request["text"].encode("utf-8"), add_bos=False, special=False))})
            elif op in ("complete", "chat"):
                grammar = (
                    LlamaGrammar.from_string(request["grammar"], verbose=False) if request.get("grammar") else None
                )
                sampling = dict(
                    max_tokens=request["max_tokens"],
                    temperature=request["temperature"],
                    top_p=0.9,
                    repeat_penalty=request.get("repeat_penalty", 1.15),
                    stop=request["stop"],
                    stream=True,
                    grammar=grammar,
                )
                if op == "chat" and request.get("start"):
                    prompt = _chat_prompt(llama, request["messages"]) + request["start"]
                    chunks = llama.create_completion(prompt, **sampling)
                    texts = (chunk["choices"][0].get("text") for chunk in chunks)
                elif op == "chat":
                    chunks = llama.create_chat_completion(messages=request["messages"], **sampling)
                    texts = (chunk["choices"][0]["delta"].get("content") for chunk in chunks)
                else:
                    chunks = llama.create_completion(request["prompt"], **sampling)
                    texts = (chunk["choices"][0].get("text") for chunk in chunks)
                for text in texts:
                    if channel.pending() and (channel.recv() or {}).get("op") == "cancel":
                        break
                    if text:
                        channel.send({"text": text})
                channel.send({"done": True})
            elif op == "cancel":  # arrived after the completion had ended by itself
                continue
            else:
                channel.send({"error": f"unknown request {op!r}"})
        except Exception as exc:  # noqa: BLE001 - one bad request (context overflow, bad grammar) is not fatal
            channel.send({"error": " ".join(str(exc).split())[:200] or exc.__class__.__name__})


def main() -> None:
    # The parent decides when we stop (it closes our stdin); Ctrl-C in its terminal reaches us too.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The protocol gets a private copy of stdout; fd 1 then points at stderr, so anything llama.cpp's
    # C code prints can never corrupt a message.
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    _serve(Lines(sys.stdin.fileno(), protocol_fd))


if __name__ == "__main__":
    main()
