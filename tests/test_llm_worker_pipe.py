"""The worker's pipe protocol (assistant/llm_worker.Lines) on descriptors numbered past 1024: a process that
holds many libraries' Chroma and SQLite files gets such numbers, and `select` refused them ("filedescriptor out
of range in select()"), which reported the model unavailable."""

from __future__ import annotations

import os
import resource

import pytest

from studygraph.assistant.llm_worker import Lines

HIGH = 1500


@pytest.fixture
def high_pipe():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft <= HIGH:
        if hard != resource.RLIM_INFINITY and hard <= HIGH + 1:
            pytest.skip(f"cannot open descriptor {HIGH} (hard limit {hard})")
        resource.setrlimit(resource.RLIMIT_NOFILE, (HIGH + 16, hard))
    read, write = os.pipe()
    high_read, high_write = os.dup2(read, HIGH), os.dup2(write, HIGH + 1)
    os.close(read)
    os.close(write)
    yield high_read, high_write
    for fd in (high_read, high_write):
        try:
            os.close(fd)
        except OSError:
            pass
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_messages_cross_a_pipe_whose_descriptors_are_past_1024(high_pipe):
    read, write = high_pipe
    sender, receiver = Lines(-1, write), Lines(read, -1)
    assert not receiver.pending()
    with pytest.raises(TimeoutError):
        receiver.recv(timeout=0.05)
    sender.send({"piece": "注意力"})
    assert receiver.pending() and receiver.recv(timeout=5) == {"piece": "注意力"}
    os.close(write)
    assert receiver.recv(timeout=5) is None  # the other end closed: end of stream, not a timeout
