"""ops.wait: the one way the product, the tests and the benchmarks wait for a server, try a call again and
find a free port."""

import socket
import subprocess
import sys

import pytest

from ops.wait import call_again, free_port, wait_healthy, wait_until


def test_a_free_port_can_be_listened_on():
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_waiting_ends_when_the_check_holds_and_not_yet_errors_are_waited_out():
    calls = []

    def check():
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("not listening yet")
        return len(calls) >= 3

    assert wait_until(check, timeout=5, every=0.01, not_yet=(ConnectionError,)) < 5
    assert len(calls) == 3


def test_any_other_error_ends_the_wait_at_once():
    calls = []

    def check():
        calls.append(1)
        raise RuntimeError("the server exited")

    with pytest.raises(RuntimeError, match="exited"):
        wait_until(check, timeout=5, every=0.01, not_yet=(ConnectionError,))
    assert len(calls) == 1


def test_waiting_gives_up_after_the_timeout_and_says_what_it_waited_for():
    with pytest.raises(TimeoutError, match="the panel did not answer within 0 s"):
        wait_until(lambda: False, timeout=0.2, every=0.05, waiting_for="the panel did not answer")


def test_a_server_that_never_answers_times_out_and_one_that_exited_fails_at_once():
    url = f"http://127.0.0.1:{free_port()}/health"
    with pytest.raises(TimeoutError, match=r"the panel did not answer http://127\.0\.0\.1:\d+/health within 1 s"):
        wait_healthy(url + "?token=secret", "panel", 1)
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    proc.log_name = "var/log/panel.log"
    with pytest.raises(RuntimeError, match="the panel exited with 3 while starting; see var/log/panel.log"):
        wait_healthy(url, "panel", 30, proc=proc)


class Flaky(Exception):
    def __init__(self, retryable):
        self.retryable = retryable


def _failing_after(tries: list, good_from: int, retryable: bool = True):
    """A call that fails until its `good_from`-th try (counted in `tries`)."""
    def call():
        tries.append(1)
        if len(tries) < good_from:
            raise Flaky(retryable)
        return "answer"
    return call


def test_a_call_is_tried_again_only_while_it_is_worth_it_and_the_last_error_is_raised():
    worth = lambda e: e.retryable  # noqa: E731
    tries = []
    assert call_again(_failing_after(tries, 3), retries=2, worth_retrying=worth, pause=0.01) == "answer"
    assert len(tries) == 3
    tries = []
    with pytest.raises(Flaky):
        call_again(_failing_after(tries, 9), retries=1, worth_retrying=worth, pause=0.01)
    assert len(tries) == 2
    tries = []
    with pytest.raises(Flaky):
        call_again(_failing_after(tries, 9, retryable=False), retries=5, worth_retrying=worth, pause=0.01)
    assert len(tries) == 1
