"""Turning a transcript into what is compared: run-specific text (paths, ports, pids, times, host name, random
log-name parts) replaced by tokens, and the parts that depend on timing made order-independent."""
import platform
import re

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"

# (pattern, replacement) applied after the literal paths, in this order.
_RULES = [
    (re.compile(r"\bpid \d+"), "pid <PID>"),
    (re.compile(r"\buptime (\d+ days?, )?\d+:\d\d:\d\d"), "uptime <UPTIME>"),
    (re.compile(r"\b(%s) \d\d \d\d:\d\d [AP]M\b" % _MONTHS), "<DATE>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"), "<TS>"),
    # supervisorctl's tracebacks name its own source file and line.
    (re.compile(r"file: \S+\.py line: \d+"), "file: <FILE> line: <N>"),
    # AUTO child logs: NAME-stdout---IDENT-XXXXXXXX.log
    (re.compile(r"(---[^\s/]*?-)[a-z0-9_]{8}\.log"), r"\1<RAND>.log"),
]

_MULTI_RESULT_VERBS = ("start", "stop", "restart", "signal")
_RESULT_LINE = re.compile(r"^\S+: ")


class Normalizer:
    """Callable: text -> normalised text. `paths` is a list of (literal, token), e.g. (case dir, '<CASE>')."""

    def __init__(self, paths, port=None):
        # The longest literal first, so a path inside another is never half-replaced.
        self._paths = sorted(paths, key=lambda pair: len(pair[0]), reverse=True)
        self._port = re.compile(r"(?<=:)%d\b" % port) if port else None
        host = platform.node()
        # A very short host name would match inside ordinary words.
        self._host = re.compile(r"(?<![\w.-])%s(?![\w-])" % re.escape(host)) if len(host) >= 3 else None

    def __call__(self, text):
        for literal, token in self._paths:
            text = text.replace(literal, token)
        if self._host:
            text = self._host.sub("<HOST>", text)
        if self._port:
            text = self._port.sub("<PORT>", text)
        for rx, replacement in _RULES:
            text = rx.sub(replacement, text)
        lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines)


def normalize_ctl_output(norm, words, text):
    """A CLI step's output: `pid` prints bare numbers; supervisord reports multi-process start/stop/restart/signal
    results in completion order (timing), so those lines are compared as a sorted set."""
    text = norm(text)
    verb = words[0] if words else None
    if verb == "pid":
        text = re.sub(r"(?m)^\d+$", "<PID>", text)
    if verb in _MULTI_RESULT_VERBS:
        lines = text.split("\n")
        if len(lines) > 1 and all(_RESULT_LINE.match(line) for line in lines):
            text = "\n".join(sorted(lines))
    return text


def comparable(transcript, strict):
    """The lines that count: never `[info]`, and the daemon-log digest (`~`) only when strict."""
    return [
        line
        for line in transcript.split("\n")
        if not line.startswith("[info]") and (strict or not line.startswith("~ "))
    ]


def refusal_view(lines):
    """A refuse case compares only whether the daemon refused."""
    return [line for line in lines if line.startswith("start:")]
