"""Records every attempt of this Python process to reach a host outside the machine.

Put this folder on PYTHONPATH and name a log file in env ``NETGUARD_LOG``: Python then imports
this module at start (``site`` imports any ``sitecustomize`` on the path), and each non-loopback
destination given to ``socket.socket.connect`` / ``connect_ex`` / ``sendto`` / ``sendmsg``,
``socket.create_connection`` or a name lookup (``socket.getaddrinfo``, ``gethostbyname``) is
appended to that file as one JSON line, *before* the call proceeds. The hook records; it never
blocks or changes a call. asyncio's default loops connect through ``socket.socket.connect`` and
resolve through ``socket.getaddrinfo``, so they are covered too.

Loopback: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), the name ``localhost``, unix sockets.
Without ``NETGUARD_LOG`` nothing is installed; once installed, the process id is appended to
``<NETGUARD_LOG>.installed`` (so a test can tell an empty log from a hook that never ran).
Used by tests/e2e/test_offline.py.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import threading
import time
import traceback

LOG_ENV = "NETGUARD_LOG"
INSTALLED_SUFFIX = ".installed"
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_write_lock = threading.Lock()


def is_loopback(host) -> bool:
    """True for a destination that cannot leave the machine."""
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, a bind, not a destination
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0]  # [::1], fe80::1%eth0
    if host.lower() in LOCAL_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than localhost: resolving it may ask a DNS server
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _host_of(family, address):
    if family == getattr(socket, "AF_UNIX", None) or isinstance(address, (str, bytes)):
        return None  # a unix socket path: never leaves the machine
    if isinstance(address, tuple) and address:
        return address[0]
    return address


def _record(call: str, host, address) -> None:
    path = os.environ.get(LOG_ENV)
    if not path or is_loopback(host):
        return
    entry = {
        "call": call,
        "host": str(host),
        "address": repr(address),
        "pid": os.getpid(),
        "time": time.time(),
        "stack": traceback.format_stack(limit=12)[:-2],
    }
    line = json.dumps(entry) + "\n"
    with _write_lock, open(path, "a", encoding="utf-8") as log:
        log.write(line)
        log.flush()


def _wrap_method(name: str, address_index: int) -> None:
    original = getattr(socket.socket, name)

    def hooked(self, *args, **kwargs):
        try:
            address = args[address_index] if len(args) > address_index else None
            if address is not None:
                _record(f"socket.{name}", _host_of(self.family, address), address)
        except Exception:  # the hook must never change what the call does
            pass
        return original(self, *args, **kwargs)

    hooked.__name__ = hooked.__qualname__ = name
    hooked.__wrapped__ = original
    setattr(socket.socket, name, hooked)


def _wrap_function(name: str, host_of) -> None:
    original = getattr(socket, name)

    def hooked(*args, **kwargs):
        try:
            host = host_of(*args, **kwargs)
            _record(f"socket.{name}", host, args[:2])
        except Exception:
            pass
        return original(*args, **kwargs)

    hooked.__name__ = hooked.__qualname__ = name
    hooked.__wrapped__ = original
    setattr(socket, name, hooked)


def _first_arg(*args, **kwargs):
    return args[0] if args else kwargs.get("host")


def _connection_host(*args, **kwargs):
    address = args[0] if args else kwargs.get("address")
    return address[0] if isinstance(address, tuple) and address else address


def install() -> bool:
    if not os.environ.get(LOG_ENV) or getattr(socket, "_netguard_installed", False):
        return False
    _wrap_method("connect", 0)
    _wrap_method("connect_ex", 0)
    _wrap_method("sendto", -1)  # sendto(data, address) / sendto(data, flags, address)
    _wrap_method("sendmsg", 3)  # sendmsg(buffers, ancdata, flags, address)
    _wrap_function("create_connection", _connection_host)
    _wrap_function("getaddrinfo", _first_arg)
    _wrap_function("gethostbyname", _first_arg)
    _wrap_function("gethostbyname_ex", _first_arg)
    socket._netguard_installed = True
    with open(os.environ[LOG_ENV] + INSTALLED_SUFFIX, "a", encoding="utf-8") as marker:
        marker.write(f"{os.getpid()}\n")
    return True


install()
