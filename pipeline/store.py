"""An output folder on disk: atomic writes, the folder lock, stage keys and content hashes.

The lowest layer of the package besides `types` and `errors`: every other module may use it, it
uses none of them. `Workspace` is one recording's output folder: stage results under `stages/`,
the manifest that records each stage's key and file hashes, and the exported drafts.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pipeline.errors import MinutesError
from pipeline.types import check

log = logging.getLogger("minutes")
T = TypeVar("T")


class Workspace:
    """One recording's output folder: stage results, the manifest, and the exported files.

    Every file is written to a temporary name and then renamed, so a crash never leaves a
    half-written file under a final name. Each stage file's SHA-256 is in the manifest: a file
    changed or damaged since it was written is computed again, never used. Exported files a
    person has edited since we wrote them are never overwritten: the new version goes beside
    them as `name.new.ext` (or `name.new-2.ext` when that one was edited too).
    """

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir
        self.stages_dir = out_dir / "stages"
        self.manifest_path = self.stages_dir / "manifest.json"
        # The export hashes again, apart: with a damaged manifest the stages run again, but our own
        # files are still known as ours (else every later draft would go to `*.new.*`).
        self.exports_path = self.stages_dir / "exports.json"
        self.manifest: dict[str, Any] = {"stages": {}, "exports": {}, "sources": {}}
        loaded = self._read_manifest(self.manifest_path)
        if loaded is None and self.manifest_path.exists():
            log.warning("%s: unreadable; every stage will run again", self.manifest_path)
            loaded = {k: v for k, v in (self._read_manifest(self.exports_path) or {}).items() if k != "stages"}
        if loaded is not None:
            self.manifest.update(loaded)
        self._saved = json.dumps(self.manifest, ensure_ascii=False, indent=2)
        self._saved_exports = self._exports_text()
        self.timings: dict[str, dict[str, Any]] = {}
        self.spent = 0.0  # seconds of the stages run so far

    @staticmethod
    def _read_manifest(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        for name in ("stages", "exports", "sources", "pending"):
            if name in data and not isinstance(data[name], dict):
                return None
        return data

    def is_done(self, name: str, key: str, *files: Path) -> bool:
        entry = self.manifest["stages"].get(name) or {}
        return isinstance(entry, dict) and entry.get("key") == key and all(f.is_file() for f in files)

    def load_stage(self, name: str, key: str, cls: type[T], path: Path, *extra: Path) -> T | None:
        """The stage's stored result if its key matches and its files are the ones written; else None."""
        if not self.is_done(name, key, path, *extra):
            return None
        entry = self.manifest["stages"][name]
        recorded = entry.get("files")
        files = [path, *extra]
        if isinstance(recorded, dict):
            for f in files:
                if recorded.get(f.name) != sha256_file(f):
                    log.warning("%s: changed or damaged since it was written; computing it again", f)
                    return None
        try:
            result = check(cls, json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError, RecursionError):
            log.warning("%s: unreadable; computing it again", path)
            return None
        if not isinstance(recorded, dict):  # written by an earlier version: hashed from now on
            entry["files"] = {f.name: sha256_file(f) for f in files}
        return result

    def done(self, name: str, key: str, seconds: float, files: dict[str, str] | None = None) -> None:
        entry: dict[str, Any] = {"key": key, "seconds": round(seconds, 3)}
        if files is not None:
            entry["files"] = files
        self.manifest["stages"][name] = entry
        self.save_manifest()

    def save_manifest(self) -> None:
        text = json.dumps(self.manifest, ensure_ascii=False, indent=2)
        if text != self._saved:  # a run that changed nothing rewrites nothing
            exports = self._exports_text()
            if exports != self._saved_exports:
                write_atomic(self.exports_path, exports.encode())
                self._saved_exports = exports
            write_atomic(self.manifest_path, text.encode())
            self._saved = text

    def sync(self) -> None:
        """Bring stages/exports.json in line with the manifest (a run stopped between the two writes)."""
        try:
            current = self.exports_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if self.manifest_path.is_file() and current != self._saved_exports:
            write_atomic(self.exports_path, self._saved_exports.encode())

    def _exports_text(self) -> str:
        part = {k: self.manifest[k] for k in ("exports", "pending", "owner") if k in self.manifest}
        return json.dumps(part, ensure_ascii=False, indent=2, sort_keys=True)

    def _ours(self, name: str, digest: str) -> bool:
        """`digest` is what we wrote as `name` (or were writing when a run was stopped)."""
        return digest in (self.manifest["exports"].get(name), (self.manifest.get("pending") or {}).get(name))

    def _beside(self, name: str, digest: str) -> Path:
        """Where a new version goes when `name` was edited by hand: `name.new.ext`, unless a person
        edited that one too (then `.new-2`, `.new-3` ...)."""
        target = self.dir / name
        for n in range(1, 1000):
            candidate = target.with_name(f"{target.stem}.new{'' if n == 1 else f'-{n}'}{target.suffix}")
            if not candidate.is_file():
                return candidate
            current = sha256_file(candidate)
            if current == digest or self._ours(candidate.name, current):
                return candidate
            log.warning("%s was changed by hand too; kept it", candidate)
        raise MinutesError(f"{self.dir}: too many edited copies of {name}; move them away and run again")

    def export(self, name: str, data: bytes) -> Path:
        """Write one user-facing file unless a person changed the one we wrote before."""
        return self.commit({name: data})[0]

    def commit(self, exports: dict[str, bytes]) -> list[Path]:
        """Write user-facing files as one set: every file to a temporary name first, then the
        manifest records what they will hold, then the renames. A run stopped halfway leaves the
        render undone (the next run does it again) and knows every file it wrote as its own."""
        plan: list[tuple[str, Path, str]] = []  # (export name, the file it goes to, sha256)
        for name, data in exports.items():
            target = self.dir / name
            digest = sha256_bytes(data)
            current = sha256_file(target) if target.is_file() else None
            if current is not None and current != digest and not self._ours(name, current):
                beside = self._beside(name, digest)
                log.warning("%s was changed by hand since it was written; kept it, wrote %s", target, beside.name)
                target = beside
            plan.append((name, target, digest))
        self.manifest["stages"].pop("render", None)  # not done until every file is in place
        self.manifest["pending"] = {target.name: digest for _, target, digest in plan}
        temps: dict[str, Path] = {}
        locked: list[tuple[Path, Path]] = []  # (file open in another program, where its draft went)
        written: list[Path] = []
        try:
            for name, target, digest in plan:
                if not (target.is_file() and sha256_file(target) == digest):
                    temps[name] = write_temp(target, exports[name])
            self.save_manifest()
            for name, target, digest in plan:
                if name in temps:
                    try:
                        os.replace(temps[name], target)
                    except PermissionError:  # Windows: the file is open in Word, which refuses the rename
                        if target.name != name:
                            raise
                        beside = self._beside(name, digest)
                        os.replace(temps[name], beside)
                        locked.append((target, beside))
                        target = beside
                    del temps[name]
                self.manifest["exports"][target.name] = digest
                written.append(target)
                if target.name == name:
                    self._drop_stale_copies(name)
        finally:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
        if locked:
            self.save_manifest()
            target, beside = locked[0]
            more = f" (and {len(locked) - 1} more)" if len(locked) > 1 else ""
            raise MinutesError(
                f"{target}: open in another program; close {target.name} and run again{more} — "
                f"this draft is beside it as {beside.name}"
            )
        self.manifest.pop("pending", None)
        return written

    def _drop_stale_copies(self, name: str) -> None:
        """Our own `name.new.ext` copies, unchanged, once `name` holds the new draft again."""
        target = self.dir / name
        for copy_path in target.parent.glob(f"{glob.escape(target.stem)}.new*{glob.escape(target.suffix)}"):
            recorded = self.manifest["exports"].get(copy_path.name)
            if recorded and copy_path.is_file() and sha256_file(copy_path) == recorded:
                copy_path.unlink()
                del self.manifest["exports"][copy_path.name]

    def source_hash(self, paths: list[str]) -> str:
        """Content hash of the source files; reused while a file's size and mtime are unchanged."""
        known = self.manifest.setdefault("sources", {})
        digests = []
        for p in paths:
            st = Path(p).stat()
            stamp = f"{st.st_size}:{st.st_mtime_ns}"
            entry = known.get(str(Path(p).resolve()))
            if not entry or entry["stamp"] != stamp:
                entry = {"stamp": stamp, "sha256": sha256_file(Path(p))}
                known[str(Path(p).resolve())] = entry
            digests.append(entry["sha256"])
        return digests[0] if len(digests) == 1 else key_of(digests)

    def clear_temporaries(self) -> None:
        """Half-written files a stopped run left (`.name.*.tmp`): never taken as done, not kept either.
        The review server's own (corrections, review page) are left to it."""
        for where in (self.dir, self.stages_dir):
            if where.is_dir():
                for tmp in where.glob(".*.tmp"):
                    if not tmp.name.startswith((".corrections", ".review")):
                        tmp.unlink(missing_ok=True)


def write_temp(path: Path, data: bytes) -> Path:
    """`data` in a temporary file beside `path`, on disk (fsync); removed again if writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` all at once: a temporary file of its own (two writers never share one), then a rename."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class Busy(MinutesError):
    """Another process holds the lock."""


@contextlib.contextmanager
def locked(path: Path, busy: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the operating system's lock on `path` (fcntl on Linux and macOS, msvcrt on Windows):
    released when the process ends in any way, so a killed run never leaves a stale lock. Another
    holder: wait up to `wait` seconds, then MinutesError(`busy`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise Busy(busy)
            time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def key_of(*parts: Any) -> str:
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def remove_tree(path: Path) -> list[str]:
    """Remove a folder and everything in it; return one `path: reason` for each thing left behind.

    `shutil.rmtree(ignore_errors=True)` would leave a half-removed folder without a word. Here a
    read-only file (Windows refuses to delete one) is made writable and tried again; what still
    cannot go (a file open in Word, no permission) is reported, without the folders that hold it.
    Nothing there, or everything removed: [].
    """
    import shutil
    import stat
    import sys

    left: dict[str, str] = {}

    def failed(function: Any, name: str, error: BaseException) -> None:
        if isinstance(error, FileNotFoundError):
            return  # gone already: what was asked
        if isinstance(error, PermissionError) and function in (os.unlink, os.remove, os.rmdir):
            with contextlib.suppress(OSError):
                os.chmod(name, stat.S_IWRITE)
                function(name)
                return
        left[os.fspath(name)] = getattr(error, "strerror", None) or str(error)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=failed)
    else:  # onerror is given (function, path, exc_info)
        shutil.rmtree(path, onerror=lambda function, name, info: failed(function, name, info[1]))
    # A folder left only because something inside it was is not news: name what is inside.
    inner = [name for name in left if not any(other.startswith(name + os.sep) for other in left)]
    return [f"{name}: {left[name]}" for name in inner]
