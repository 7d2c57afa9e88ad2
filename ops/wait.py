"""Waiting: one way to poll until something is ready, to try a call again, and to find a free port, for
`coach up`, the servers the tests and the benchmarks start, and the panel's client (bot/client.py).

A leaf module: it imports only the standard library, requests and tenacity, so anything may use it.
"""

from __future__ import annotations

import socket
import time
from typing import Callable, TypeVar

import requests
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
    wait_fixed,
    wait_incrementing,
)

T = TypeVar("T")


def free_port() -> int:
    """A free TCP port on loopback (for the tests and the benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], object], *, timeout: float, every: float = 0.5,
               not_yet: tuple[type[BaseException], ...] = (), waiting_for: str = "the condition") -> float:
    """Call `check()` every `every` seconds until it returns something true; returns the seconds it took.
    An exception of a type in `not_yet` counts as "not yet"; any other ends the wait at once. Raises
    TimeoutError ("<waiting_for> within <timeout> s") when `timeout` seconds have passed."""
    started = time.monotonic()
    retrying = Retrying(stop=stop_after_delay(timeout), wait=wait_fixed(every),
                        retry=retry_if_result(lambda done: not done) | retry_if_exception_type(not_yet))
    try:
        retrying(check)
    except RetryError:
        raise TimeoutError(f"{waiting_for} within {timeout:.0f} s") from None
    return time.monotonic() - started


def wait_healthy(url: str, what: str, timeout: float, ready=lambda r: r.ok, proc=None) -> float:
    """Poll `url` until `ready(response)`; returns the seconds it took. Raises TimeoutError after `timeout`,
    or RuntimeError at once if `proc` (the server's process, when we started it) has exited."""

    def answers() -> bool:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the {what} exited with {proc.returncode} while starting; see {proc.log_name}")
        return ready(requests.get(url, timeout=2))

    # not listening yet, or not answering JSON yet
    return wait_until(answers, timeout=timeout, not_yet=(requests.RequestException, ValueError),
                      waiting_for=f"the {what} did not answer {url.split('?')[0]}")


def call_again(call: Callable[[], T], *, retries: int, worth_retrying: Callable[[BaseException], bool],
               pause: float = 0.5) -> T:
    """`call()`, tried up to `retries` more times while it raises an exception `worth_retrying`, waiting
    `pause`, then 2 x `pause`, ... between tries; the last exception is raised as it was."""
    retrying = Retrying(stop=stop_after_attempt(retries + 1), wait=wait_incrementing(start=pause, increment=pause),
                        retry=retry_if_exception(worth_retrying), reraise=True)
    return retrying(call)
