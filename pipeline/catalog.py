"""The archive's catalogue: one SQLite file, `OUT/catalog.db`, beside the recordings' output folders.

A row per recording (source, content hash, date, title, duration, status, stage times, error), a
row per file or folder seen under a batch root (the hash and duration cache, and the copies of a
recording), a row per batch run, and full-text search over transcripts and minutes.

SQLite's FTS5 splits words at spaces and punctuation, and Thai is written without spaces: every
passage is therefore cut into words with PyThaiNLP's `newmm` before it is indexed, and so is the
query, so "งบประมาณ" matches the word and not any run of letters. Where `newmm` cut a word
differently in its sentence than on its own, a plain substring match is the fallback.

The file is opened in WAL mode and written in short transactions, so a batch killed at any
moment leaves it consistent, and `minutes search`/`status` can read it while a batch
writes. The schema carries its version (`PRAGMA user_version`); `MIGRATIONS` brings an older file
up to date, and a newer one is refused rather than misread.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import thaidate
from pipeline.errors import MinutesError

FILE_NAME = "catalog.db"

# One entry per schema version; never edit a released entry, append a new one.
MIGRATIONS = [
    """
    CREATE TABLE recordings (
        id TEXT PRIMARY KEY,            -- the output folder's name under OUT
        sha256 TEXT UNIQUE,             -- content hash of the media (NULL: never read as media)
        source TEXT NOT NULL,           -- the file or folder it was first found as
        title TEXT,
        date TEXT,                      -- ISO date of the meeting, when known
        duration REAL,                  -- seconds of audio
        status TEXT NOT NULL,           -- pending | running | done | failed
        stage TEXT,                     -- the last stage finished (or found cached)
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        stage_seconds TEXT,             -- JSON {stage: seconds it took when it was computed}
        indexed TEXT,                   -- hash of the files last indexed, to skip unchanged ones
        updated TEXT
    );
    CREATE TABLE sources (
        path TEXT PRIMARY KEY,          -- absolute path of a media file or recording folder
        stamp TEXT NOT NULL,            -- sizes and mtimes: while unchanged, sha256 and duration hold
        sha256 TEXT,
        duration REAL,
        recording TEXT REFERENCES recordings(id) ON DELETE SET NULL
    );
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        root TEXT, executor TEXT, jobs INTEGER,
        started TEXT, finished TEXT,    -- finished stays NULL for a batch that was killed
        report TEXT                     -- the batch report as JSON
    );
    CREATE VIRTUAL TABLE passages USING fts5(
        words,                          -- the text cut into words (newmm), what MATCH searches
        text UNINDEXED,                 -- the text as written, for the snippet
        recording UNINDEXED, kind UNINDEXED, item UNINDEXED,
        start UNINDEXED, end UNINDEXED, speaker UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 0'
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
KINDS = ("meeting", "title", "transcript", "summary", "resolution", "action")
KIND_LABELS = {
    "meeting": "การประชุม",
    "title": "วาระ",
    "transcript": "ถ้อยคำ",
    "summary": "สรุป",
    "resolution": "มติ",
    "action": "มอบหมาย",
}


@dataclass
class Hit:
    """One passage that matched a search: where it is (meeting, time) and what it says."""

    recording: str
    title: str
    date: str | None
    kind: str
    item: str | None  # agenda item number, for passages from the minutes
    start: float | None
    end: float | None
    speaker: str | None
    text: str
    snippet: str
    out_dir: str = ""


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    substring: bool = False  # True when no whole word matched and substrings were searched instead


def words(text: str) -> list[str]:
    """Thai text cut into words with newmm, the same way for passages and queries."""
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import normalize

    tokens = word_tokenize(normalize(text), engine="newmm", keep_whitespace=False)
    # Pure punctuation is no word; FTS5 would drop it anyway, and an empty phrase is a syntax error.
    return [t for t in tokens if any(ch.isalnum() for ch in t)]


class Catalog:
    """The catalogue of one output root. Use as a context manager; every write is one transaction."""

    def __init__(self, out: str | Path, *, create: bool = True) -> None:
        self.path = Path(out) / FILE_NAME
        if not create and not self.path.is_file():
            raise MinutesError(f"{self.path}: no catalogue here; run `minutes batch ROOT --out {out}` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT), never implied.
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, which
            # the next batch redoes from the output folders. FULL would fsync each of thousands of commits.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise MinutesError(
                f"{self.path}: not a readable catalogue ({exc}); move it away and run `minutes batch` "
                "again: it is rebuilt from the output folders without redoing their stages"
            ) from None

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: nothing half-written stays."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise MinutesError(
                f"{self.path}: written by a newer thai-minutes (catalogue version {version}, this one reads "
                f"up to {SCHEMA_VERSION}); upgrade thai-minutes, or use another --out"
            )
        if version < SCHEMA_VERSION and "fts5" not in _compile_options(self.db):
            raise MinutesError("this Python's SQLite has no FTS5 full-text search; use a Python from python.org")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # A migration and its version number commit together, or not at all.
            with self.transaction() as db:
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # -- sources: what a root holds, with the hash and duration cache --------------------------------

    def known_source(self, path: str, stamp: str) -> tuple[str | None, float | None] | None:
        """(sha256, duration) recorded for `path` while its stamp is unchanged, else None."""
        row = self.db.execute("SELECT stamp, sha256, duration FROM sources WHERE path = ?", (path,)).fetchone()
        if row is None or row["stamp"] != stamp:
            return None
        return row["sha256"], row["duration"]

    def remember_source(
        self, path: str, stamp: str, sha256: str | None, duration: float | None, recording: str | None
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO sources (path, stamp, sha256, duration, recording) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET stamp = excluded.stamp, sha256 = excluded.sha256, "
                "duration = excluded.duration, recording = excluded.recording",
                (path, stamp, sha256, duration, recording),
            )

    # -- recordings -------------------------------------------------------------------------------

    def id_for_hash(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT id FROM recordings WHERE sha256 = ?", (sha256,)).fetchone()
        return row["id"] if row else None

    def id_taken(self, rec_id: str, sha256: str | None) -> bool:
        """Whether `rec_id` already names a recording with other content."""
        row = self.db.execute("SELECT sha256 FROM recordings WHERE id = ?", (rec_id,)).fetchone()
        return row is not None and row["sha256"] != sha256

    def add(self, rec_id: str, source: str, sha256: str | None, duration: float | None) -> None:
        """A recording found by a batch: a new row (pending), or the known one left as it is."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO recordings (id, sha256, source, duration, status, updated) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET source = excluded.source, "
                "duration = coalesce(recordings.duration, excluded.duration)",
                (rec_id, sha256, source, duration, "pending", _now()),
            )

    def started(self, rec_id: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE recordings SET status = 'running', stage = NULL, error = NULL, updated = ? WHERE id = ?",
                (_now(), rec_id),
            )

    def stage(self, rec_id: str, stage: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE recordings SET stage = ?, updated = ? WHERE id = ?", (stage, _now(), rec_id))

    def failed(self, rec_id: str, error: str, attempts: int) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE recordings SET status = 'failed', error = ?, attempts = ?, updated = ? WHERE id = ?",
                (error, attempts, _now(), rec_id),
            )
            db.execute("DELETE FROM passages WHERE recording = ?", (rec_id,))
            db.execute("UPDATE recordings SET indexed = NULL WHERE id = ?", (rec_id,))

    def done(self, rec_id: str, out_dir: Path, attempts: int) -> None:
        """Mark a recording done and (re)index its transcript and minutes, in one transaction."""
        transcript = _read_json(out_dir / "transcript.json")
        minutes = _read_json(out_dir / "minutes.json")
        manifest = _read_json(out_dir / "stages" / "manifest.json") or {}
        seconds = {name: entry.get("seconds") for name, entry in manifest.get("stages", {}).items()}
        meeting = (minutes or {}).get("meeting") or {}
        title = " ".join(filter(None, [meeting.get("body"), _session(meeting.get("session"))])) or rec_title(rec_id)
        duration = (transcript or {}).get("duration")
        fingerprint = hashlib.sha256(
            json.dumps([transcript, minutes], ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()
        row = self.db.execute("SELECT indexed FROM recordings WHERE id = ?", (rec_id,)).fetchone()
        # Cut into words outside the transaction: it is the slow part, and readers need not wait.
        passages = None if row and row["indexed"] == fingerprint else _passages(rec_id, title, transcript, minutes)
        with self.transaction() as db:
            db.execute(
                "UPDATE recordings SET status = 'done', stage = 'render', error = NULL, attempts = ?, title = ?, "
                "date = ?, duration = coalesce(?, duration), stage_seconds = ?, indexed = ?, updated = ? WHERE id = ?",
                (
                    attempts,
                    title,
                    meeting.get("date") or None,
                    duration,
                    json.dumps(seconds, ensure_ascii=False),
                    fingerprint,
                    _now(),
                    rec_id,
                ),
            )
            if passages is not None:
                db.execute("DELETE FROM passages WHERE recording = ?", (rec_id,))
                db.executemany(
                    "INSERT INTO passages (words, text, recording, kind, item, start, end, speaker) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    passages,
                )

    def recordings(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM recordings ORDER BY date, id").fetchall()
        return [dict(r) for r in rows]

    def copies(self, rec_id: str) -> list[str]:
        rows = self.db.execute("SELECT path FROM sources WHERE recording = ? ORDER BY path", (rec_id,)).fetchall()
        return [r["path"] for r in rows]

    def copy_count(self) -> int:
        """Sources that are copies of a recording catalogued under another path."""
        return self.db.execute(
            "SELECT count(*) FROM sources s JOIN recordings r ON r.id = s.recording WHERE s.path != r.source"
        ).fetchone()[0]

    def forget_stale_failure(self, path: str, rec_id: str) -> None:
        """A source that failed before and now holds other content: its old failure is history."""
        row = self.db.execute(
            "SELECT r.id, r.status FROM sources s JOIN recordings r ON r.id = s.recording WHERE s.path = ?", (path,)
        ).fetchone()
        if row and row["id"] != rec_id and row["status"] == "failed":
            others = self.db.execute(
                "SELECT count(*) FROM sources WHERE recording = ? AND path != ?", (row["id"], path)
            ).fetchone()[0]
            if not others:
                with self.transaction() as db:
                    db.execute("DELETE FROM recordings WHERE id = ?", (row["id"],))

    # -- batches ----------------------------------------------------------------------------------

    def batch_started(self, root: str, executor: str, jobs: int) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO batches (root, executor, jobs, started) VALUES (?, ?, ?, ?)",
                (root, executor, jobs, _now()),
            )
            return int(cur.lastrowid or 0)

    def batch_finished(self, batch_id: int, report: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE batches SET finished = ?, jobs = ?, report = ? WHERE id = ?",
                (_now(), report.get("jobs"), json.dumps(report, ensure_ascii=False), batch_id),
            )

    def last_batch(self) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM batches ORDER BY id DESC LIMIT 1").fetchone()
        return dict(row) if row else None

    # -- search -----------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20, kinds: list[str] | None = None) -> SearchResult:
        """Passages holding every word of `query`, best first; substrings when no whole word matches."""
        for kind in kinds or []:
            if kind not in KINDS:
                raise MinutesError(f"unknown passage kind '{kind}'. Available: {', '.join(KINDS)}")
        terms = [t for t in query.split() if words(t)]
        if not terms:
            raise MinutesError(f"search query {query!r} holds no word to look for; give a Thai or English word")
        kind_sql, kind_args = "", []
        if kinds:
            kind_sql = f" AND p.kind IN ({', '.join('?' * len(kinds))})"
            kind_args = list(kinds)
        # Each whitespace-separated term is a phrase of its words; all terms must be present.
        match = " ".join('"' + " ".join(words(t)).replace('"', '""') + '"' for t in terms)
        sql = (
            "SELECT p.*, r.title, r.date FROM passages p JOIN recordings r ON r.id = p.recording "
            f"WHERE passages MATCH ?{kind_sql} ORDER BY bm25(passages), r.date, p.recording, p.start LIMIT ?"
        )
        rows = self.db.execute(sql, [match, *kind_args, limit]).fetchall()  # only `words` is indexed
        substring = False
        if not rows:
            from pythainlp.util import normalize

            substring = True
            likes = " AND ".join("p.text LIKE ? ESCAPE '\\'" for _ in terms)
            sql = (
                "SELECT p.*, r.title, r.date FROM passages p JOIN recordings r ON r.id = p.recording "
                f"WHERE {likes}{kind_sql} ORDER BY r.date, p.recording, p.start LIMIT ?"
            )
            args = [f"%{_like_escape(normalize(t))}%" for t in terms]
            rows = self.db.execute(sql, [*args, *kind_args, limit]).fetchall()
        out = self.path.parent
        hits = [
            Hit(
                recording=r["recording"],
                title=r["title"] or r["recording"],
                date=r["date"],
                kind=r["kind"],
                item=r["item"],
                start=r["start"],
                end=r["end"],
                speaker=r["speaker"],
                text=r["text"],
                snippet=snippet(r["text"], terms),
                out_dir=str(out / r["recording"]),
            )
            for r in rows
        ]
        return SearchResult(query=query, hits=hits, substring=substring)


def rec_title(rec_id: str) -> str:
    """A readable title from a recording id: the name without its hash suffix or Zoom date prefix."""
    name = re.sub(r"-[0-9a-f]{8,}$", "", rec_id)
    return re.sub(r"^\d{4}-\d{1,2}-\d{1,2} \d{2}\.\d{2}\.\d{2}\s+", "", name) or name


def snippet(text: str, terms: list[str], width: int = 90) -> str:
    """The passage around the first term found, with the term in [brackets]."""
    from pythainlp.util import normalize

    text = " ".join(text.split())
    for term in terms:
        at = text.find(normalize(term))
        if at < 0:
            continue
        end = at + len(normalize(term))
        left = max(0, at - width // 2)
        right = min(len(text), end + width // 2)
        return (
            ("…" if left else "")
            + text[left:at]
            + "["
            + text[at:end]
            + "]"
            + text[end:right]
            + ("…" if right < len(text) else "")
        )
    return text if len(text) <= width else text[:width] + "…"


# -- the batch lock: one `minutes batch` per output folder ----------------------------------------

LOCK_FILE = ".batch.lock"


@contextlib.contextmanager
def exclusive(out: str | Path) -> Iterator[None]:
    """One batch per output folder at a time. The lock is SQLite's, so the OS frees it if we are killed."""
    lock = sqlite3.connect(str(Path(out) / LOCK_FILE), timeout=2, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        lock.close()
        raise MinutesError(
            f"{out}: another `minutes batch` is writing here; let it finish (see `minutes status --out {out}`) "
            "or use another --out"
        ) from None
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def is_running(out: str | Path) -> bool:
    """Whether a batch is writing into `out` right now."""
    path = Path(out) / LOCK_FILE
    if not path.is_file():
        return False
    lock = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        lock.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        lock.close()


def clock(seconds: float | None) -> str:
    """Seconds as H:MM:SS, the way a reviewer scrubs to a moment in the recording."""
    return "-" if seconds is None else thaidate.clock(seconds, pad_hours=False)


def _passages(rec_id: str, title: str, transcript: Any, minutes: Any) -> list[tuple[Any, ...]]:
    """The rows to index: the meeting's title, every sentence, and each agenda item's parts with times."""
    rows: list[tuple[Any, ...]] = []

    def add(text: str | None, kind: str, item: str | None, start: Any, end: Any, speaker: str | None = None) -> None:
        if text and text.strip():
            rows.append((" ".join(words(text)), text, rec_id, kind, item, start, end, speaker))

    add(title, "meeting", None, None, None)
    segments = (transcript or {}).get("segments") or []
    by_id = {s.get("id"): s for s in segments}
    for s in segments:
        add(s.get("text"), "transcript", None, s.get("start"), s.get("end"), s.get("speaker"))
    for item in (minutes or {}).get("agenda") or []:
        number = item.get("number")
        add(item.get("title"), "title", number, item.get("start"), item.get("end"))
        add(item.get("summary"), "summary", number, item.get("start"), item.get("end"))
        said = [by_id[i] for i in item.get("resolution_segment_ids") or [] if i in by_id]
        start = min((s["start"] for s in said), default=item.get("start"))
        end = max((s["end"] for s in said), default=item.get("end"))
        add(item.get("resolution"), "resolution", number, start, end)
        for action in item.get("actions") or []:
            text = " ".join(filter(None, [action.get("assignee"), action.get("task"), action.get("due")]))
            add(text, "action", number, action.get("start"), action.get("end"))
    return rows


def _session(session: str | None) -> str | None:
    return f"ครั้งที่ {session}" if session else None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _statements(script: str) -> list[str]:
    """A migration script split into statements (FTS5 table options hold no semicolons)."""
    lines = [re.sub(r"--.*$", "", line) for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _compile_options(db: sqlite3.Connection) -> str:
    options = " ".join(r[0] for r in db.execute("PRAGMA compile_options").fetchall()).lower()
    if "fts5" in options:
        return options
    try:  # some builds load FTS5 without saying so in compile_options
        db.execute("CREATE VIRTUAL TABLE temp._probe USING fts5(x)")
        db.execute("DROP TABLE temp._probe")
        return options + " fts5"
    except sqlite3.OperationalError:
        return options


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")
