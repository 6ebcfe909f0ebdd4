"""Finding and ending every process a case started (each carries CONFORMANCE_MARK=<uuid> in its environment,
inherited by whatever it spawns), and small file/port helpers."""
import os
import signal
import socket
import time


def marked_pids(mark):
    needle = ("CONFORMANCE_MARK=%s" % mark).encode()
    me = os.getpid()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open("/proc/%s/environ" % entry, "rb") as f:
                variables = f.read().split(b"\0")
        except OSError:
            continue  # gone, or not ours to read
        if needle in variables:
            pids.append(int(entry))
    return pids


def command_name(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return "?"


def kill_marked(mark, timeout=5.0):
    for pid in marked_pids(mark):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + timeout
    while marked_pids(mark) and time.monotonic() < deadline:
        time.sleep(0.05)


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def line_count(path):
    """Lines as `wc -l` would count them, plus an unterminated last line."""
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def base_environment(mark, home):
    """What every daemon and CLI of a case runs with: a small fixed environment, nothing of ours leaking in."""
    return {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + os.environ.get("PATH", ""),
        "HOME": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "CONFORMANCE_MARK": mark,
    }
