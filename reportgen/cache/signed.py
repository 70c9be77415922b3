"""Assemble and check stages: what reading the narrative made, kept between builds, signed.

Compiling a section's text into a Jinja template is a fifth of reading a report
(0.25 s for 65 sections), and a rebuild compiles the same texts again. A build
keeps each text's compiled code in the project's ``.reportgen-cache/expressions``,
keyed by the text and the name it was compiled under (its file and line), and
loads it on the next build. The file holds only the entries the last build used.

Compiled code is code: a cache file from elsewhere (a project received with its
``.reportgen-cache``) must never run, since the expressions of a section run only
inside Jinja's sandbox. So the file is signed with HMAC-SHA256 under a key
private to the user (``~/.cache/reportgen/key``, or ``$XDG_CACHE_HOME``, created
with mode 0600); a file whose signature does not verify is ignored, and without
a usable key nothing is cached. The signed content also names the Python
bytecode version, Jinja's version and a digest of the code that sets up the
sandbox, so an upgrade never runs code compiled for another environment.

``SignedStore`` is that signed file for any values ``marshal`` writes; the check of
typed numbers (``consistency``) keeps what it found in each section's text in one too,
since a forged file could hide an error. ``Seal`` signs the record of a cached file
(its digest, with what it was made for): the drawn charts, the typeset parts and the
outputs are used only while their bytes match a record this user's builds signed.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import marshal
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

from reportgen.atomic import write_atomic
from reportgen.cache.root import cache_folder, code_digest, read_cached
from reportgen.resources import user_cache_dir

_KEY_BYTES = 32


def cache_file(project_root: Path) -> Path:
    return cache_folder(project_root, "expressions")


def user_key(home: Path | None = None) -> bytes | None:
    """This user's signing key, made on first use; None if it cannot be read or made."""
    path = (home / "reportgen" if home else user_cache_dir()) / "key"
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = b""
    except OSError:
        return None
    if len(key) == _KEY_BYTES:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it meanwhile (or it is unusable)
        with contextlib.suppress(OSError):
            key = path.read_bytes()
        return key if len(key) == _KEY_BYTES else None
    except OSError:
        return None
    key = secrets.token_bytes(_KEY_BYTES)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _environment() -> bytes:
    """What the compiled code depends on besides the text: the bytecode format, Jinja, and
    reportgen's sandbox and filters."""
    h = hashlib.sha256(importlib.util.MAGIC_NUMBER + jinja2.__version__.encode())
    h.update(code_digest("assemble/expressions.py", "assemble/sandbox.py"))
    return h.digest()


class Seal:
    """Signatures under this user's key (``user_key``, read once) of what a cache records
    about a file; without a usable key nothing verifies (nothing cached is used)."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key

    @classmethod
    def for_user(cls) -> Seal:
        return cls(user_key())

    def sign(self, *parts: str | bytes) -> str | None:
        """The signature (hex) of ``parts``, or None without a key."""
        if self.key is None:
            return None
        h = hmac.new(self.key, digestmod="sha256")
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "big") + data)
        return h.hexdigest()

    def verifies(self, signature: object, *parts: str | bytes) -> bool:
        """Whether ``signature`` is this user's signature of ``parts``."""
        expected = self.sign(*parts)
        return (expected is not None and isinstance(signature, str)
                and hmac.compare_digest(signature, expected))


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SignedStore:
    """Values (what ``marshal`` writes) by a digest of what each was made from, kept between
    builds in one file signed with the user's key (see the module's description); ``save``
    keeps the entries this build used. ``environment``: what every value also depends on (the
    code that made it); a file made in another one is ignored."""

    def __init__(self, file: Path, key: bytes | None, environment: bytes) -> None:
        self.file, self._key, self._environment = file, key, environment
        self._stored: dict[bytes, Any] = {}
        self._used: dict[bytes, Any] = {}
        self._log: dict[bytes, Any] | None = None  # while ``recording``
        if key is not None:
            self._stored = self._read()

    def _valid(self, value: Any) -> bool:
        """Whether a value read back is of the kind this store holds."""
        return True

    def _read(self) -> dict[bytes, Any]:
        raw = read_cached(self.file)
        if raw is None:
            return {}
        signature, payload = raw[:32], raw[32:]
        assert self._key is not None
        if not hmac.compare_digest(signature, hmac.digest(self._key, payload, "sha256")):
            return {}  # not written by this user's builds: never loaded
        try:
            environment, entries = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return {}
        if environment != self._environment or not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if self._valid(v)}

    def get(self, digest: bytes) -> Any | None:
        """The value stored for ``digest`` (kept by ``save``), or None."""
        value = self._used.get(digest)
        if value is None:
            value = self._stored.get(digest)
            if value is None:
                return None
            self._used[digest] = value
        if self._log is not None:
            self._log[digest] = value
        return value

    def put(self, digest: bytes, value: Any) -> None:
        self._used[digest] = value
        if self._log is not None:
            self._log[digest] = value

    @contextlib.contextmanager
    def recording(self) -> Iterator[dict[bytes, Any]]:
        """The entries looked up (and found) or put while in the block, for ``use`` to count
        as used again when what made them is taken again (``assemble.sectionmemo``)."""
        outer, self._log = self._log, {}
        try:
            yield self._log
        finally:
            inner, self._log = self._log, outer
            if outer is not None:
                outer.update(inner)

    def used(self) -> dict[bytes, Any]:
        """The entries this build used so far (a copy): what ``save`` would keep."""
        return dict(self._used)

    def use(self, entries: dict[bytes, Any]) -> None:
        """Count ``entries`` (from ``used``) as used by this build: a preview that reuses an
        edition it checked before keeps that edition's entries without looking them up."""
        self._used.update(entries)

    @property
    def hits(self) -> int:
        return sum(1 for k in self._used if k in self._stored)

    def save(self) -> None:
        """Keep the entries this build used (if they differ from the stored ones)."""
        if self._key is None or self._used.keys() == self._stored.keys():
            return
        payload = marshal.dumps((self._environment, self._used))
        write_atomic(self.file, hmac.digest(self._key, payload, "sha256") + payload)


class CodeCache(SignedStore):
    """Compiled expression texts by their name and source."""

    def __init__(self, file: Path, key: bytes | None) -> None:
        super().__init__(file, key, _environment())

    def _valid(self, value: Any) -> bool:
        return isinstance(value, CodeType)

    @classmethod
    def for_project(cls, project_root: Path) -> CodeCache:
        return cls(cache_file(project_root), user_key())

    def compile(self, env: jinja2.Environment, text: str, name: str) -> Any:
        """``env.compile(text, name=name, filename=name)``, from the cache when it has it."""
        digest = hashlib.sha256(f"{name}\0{text}".encode()).digest()
        code = self.get(digest)
        if code is None:
            code = env.compile(text, name=name, filename=name)
            self.put(digest, code)
        return code
