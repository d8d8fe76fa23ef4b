"""Role-play scores in a SQLite file: append-only, versioned, safe with several raters at once.

Every save is a new row; nothing is updated or deleted (triggers refuse it). A *score* is one
rater's score of one call, and the call is named by its call id (by default
``learner/scenario/YYYY-MM-DD``, the UTC day). Saving the same call again as the same rater adds
the next *version* of that score, linked to the row it supersedes; version 1 and every later one
stay in :meth:`RolePlayStore.history`. A correction (:meth:`RolePlayStore.correct`) is also a new
version, and it must say which version it corrects: if someone else corrected the score in the
meantime, the correction is refused rather than silently replacing their work. Writes use WAL mode, a busy timeout and ``BEGIN
IMMEDIATE`` transactions, so raters saving at the same moment queue instead of failing. The
schema carries its own version (table ``schema_version``) and is migrated forward on open; a
file written by a newer release is refused with a message. :meth:`RolePlayStore.results` gives
the latest version of every score as a pandas DataFrame, :meth:`RolePlayStore.item_scores` the
per-item answers for calibration. The file is created on the first save, never by reading.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

from .scorecard import FAIL, IncompleteCard, Scorecard, normalise, score

DB_ENV = "ACADEMY_ROLEPLAY_DB"
BUSY_TIMEOUT_MS = 30_000

# Each migration moves the schema up by one version. Never edit a released migration: add one.
MIGRATIONS: list[tuple[str, list[str]]] = [
    ("scores, item answers and section notes", [
        """CREATE TABLE scores (
            row_id            INTEGER PRIMARY KEY AUTOINCREMENT,
            score_id          TEXT    NOT NULL,
            version           INTEGER NOT NULL CHECK (version >= 1),
            supersedes        INTEGER REFERENCES scores(row_id),
            call_id           TEXT    NOT NULL,
            learner           TEXT    NOT NULL,
            rater             TEXT    NOT NULL,
            saved_by          TEXT    NOT NULL,
            scenario_id       TEXT    NOT NULL,
            scorecard_id      TEXT    NOT NULL,
            scorecard_version INTEGER NOT NULL,
            total             REAL    NOT NULL CHECK (total BETWEEN 0 AND 100),
            raw_total         REAL    NOT NULL CHECK (raw_total BETWEEN 0 AND 100),
            critical_failed   INTEGER NOT NULL CHECK (critical_failed IN (0, 1)),
            passed            INTEGER NOT NULL CHECK (passed IN (0, 1)),
            reason            TEXT    NOT NULL DEFAULT '',
            saved_at          TEXT    NOT NULL,
            UNIQUE (score_id, version))""",
        """CREATE TABLE item_scores (
            row_id     INTEGER NOT NULL REFERENCES scores(row_id),
            section_id TEXT    NOT NULL,
            item_id    TEXT    NOT NULL,
            value      TEXT    NOT NULL,
            points     REAL,
            weight     REAL    NOT NULL,
            critical   INTEGER NOT NULL CHECK (critical IN (0, 1)),
            PRIMARY KEY (row_id, item_id))""",
        """CREATE TABLE section_notes (
            row_id     INTEGER NOT NULL REFERENCES scores(row_id),
            section_id TEXT    NOT NULL,
            note       TEXT    NOT NULL,
            PRIMARY KEY (row_id, section_id))""",
    ]),
    ("append-only guards and lookup indexes", [
        *(f"""CREATE TRIGGER {t}_no_{op} BEFORE {op.upper()} ON {t}
              BEGIN SELECT RAISE(ABORT, 'role-play scores are append-only: save a correction');
              END""" for t in ("scores", "item_scores", "section_notes")
          for op in ("update", "delete")),
        "CREATE INDEX scores_by_call ON scores(call_id)",
        "CREATE INDEX scores_by_learner ON scores(learner)",
    ]),
]
SCHEMA_VERSION = len(MIGRATIONS)

RESULT_COLUMNS = ["score_id", "version", "call_id", "learner", "rater", "scenario_id",
                  "scorecard_id", "scorecard_version", "total", "raw_total", "critical_failed",
                  "passed", "saved_at", "saved_by", "reason"]
ITEM_COLUMNS = ["score_id", "version", "call_id", "learner", "rater", "scenario_id",
                "scorecard_id", "scorecard_version", "section_id", "item_id", "critical",
                "value", "points", "weight", "saved_at"]


class StoreError(RuntimeError):
    """A save or correction that was refused, with the reason a rater can act on."""


class ConflictError(StoreError):
    """A correction based on a version that is no longer the latest."""


@dataclass(frozen=True)
class SavedScore:
    score_id: str
    version: int
    row_id: int
    total: float
    raw_total: float
    critical_failed: bool
    passed: bool
    saved_at: str


def default_db_path() -> Path:
    """``$ACADEMY_ROLEPLAY_DB``, or ``roleplay.db`` in the current folder."""
    return Path(os.environ.get(DB_ENV) or "roleplay.db").expanduser().resolve()


# Where the scores go when nobody says otherwise, resolved when this module is imported
# (other tools read this name; call default_db_path() for the current value).
DEFAULT_DB = default_db_path()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _clean(name: str, what: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise StoreError(f"Not saved: the {what} is empty. Type the {what}'s name.")
    return text


def _use_wal(con: sqlite3.Connection) -> None:
    """Switch the database to WAL (once, when it is new). SQLite answers "database is locked" at
    once, without waiting for the busy timeout, when another connection holds a lock while the
    mode changes (several raters saving into a new database at the same moment): wait and look
    again, up to the busy timeout; another connection has usually switched it meanwhile."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            con.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class RolePlayStore:
    """Scores saved by raters, in one SQLite file at ``path`` (see :func:`default_db_path`)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser().resolve() if path else default_db_path()

    def __repr__(self) -> str:
        return f"RolePlayStore({str(self.path)!r})"

    # ------------------------------------------------------------------ connection & schema
    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection | None]:
        if not write and not self.path.exists():
            yield None
            return
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        with closing(con):
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA foreign_keys = ON")
            _use_wal(con)
            con.execute("PRAGMA synchronous = NORMAL")
            self._migrate(con)
            yield con

    @staticmethod
    def _version(con: sqlite3.Connection) -> int:
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
                          ).fetchone()
        if not has:
            return 0
        row = con.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self, con: sqlite3.Connection) -> None:
        current = self._version(con)
        if current == SCHEMA_VERSION:
            return
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer release of the course (schema {current}; "
                f"this one knows up to {SCHEMA_VERSION}). Update the course before using it.")
        con.execute("BEGIN IMMEDIATE")
        try:
            current = self._version(con)  # another process may have migrated meanwhile
            if current == 0:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                            "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, what TEXT)")
            for number, (what, statements) in enumerate(MIGRATIONS, 1):
                if number <= current:
                    continue
                for sql in statements:
                    con.execute(sql)
                con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", (number, _now(), what))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        """The schema version of the file (0 when it does not exist yet)."""
        with self._connect(write=False) as con:
            return 0 if con is None else self._version(con)

    # ------------------------------------------------------------------ writing
    def save(self, card: Scorecard, answers: Mapping[str, Any], *, learner: str, rater: str,
             scenario_id: str, call_id: str | None = None,
             notes: Mapping[str, str] | None = None) -> SavedScore:
        """Save a complete score. Raises IncompleteCard naming what is missing.

        The first save of a call by a rater is version 1 of a new score. Saving the same call
        again as the same rater (same ``call_id``; without one, the same learner, scenario and
        UTC day) adds the next version of that score and keeps the earlier ones. A call id this
        rater already scored for another learner, scenario or scorecard is refused, so a mistyped
        call id cannot merge two calls.
        """
        learner, rater = _clean(learner, "learner"), _clean(rater, "rater")
        scenario_id = _clean(scenario_id, "scenario")
        call_id = " ".join(str(call_id or "").split()) or f"{learner}/{scenario_id}/{_now()[:10]}"
        return self._insert(card, answers, notes, score_id=None, version=None,
                            supersedes=None, call_id=call_id, learner=learner, rater=rater,
                            saved_by=rater, scenario_id=scenario_id, reason="")

    def correct(self, score_id: str, based_on_version: int, card: Scorecard,
                answers: Mapping[str, Any], *, reason: str, saved_by: str | None = None,
                notes: Mapping[str, str] | None = None) -> SavedScore:
        """Save a corrected version of a score; the earlier versions stay, unchanged.

        ``based_on_version`` is the version the corrector was looking at: if a newer one exists,
        the correction is refused (ConflictError) so nobody's work is silently replaced.
        Section notes carry over from that version unless ``notes`` is given.
        """
        reason = " ".join(str(reason or "").split())
        if not reason:
            raise StoreError("Not saved: say briefly why the score is being corrected.")
        latest = self.history(score_id)
        if latest.empty:
            raise StoreError(f"No saved score {score_id!r} in {self.path}.")
        last = latest.iloc[-1]
        if notes is None and int(based_on_version) in set(latest["version"]):
            notes = self.answers(score_id, int(based_on_version))[1]
        if card.id != last["scorecard_id"]:
            raise StoreError(f"Score {score_id} used scorecard {last['scorecard_id']!r}; a "
                             f"correction must use the same scorecard, not {card.id!r}.")
        return self._insert(card, answers, notes, score_id=score_id,
                            version=int(based_on_version) + 1, supersedes=None,
                            call_id=last["call_id"], learner=last["learner"], rater=last["rater"],
                            saved_by=_clean(saved_by or last["rater"], "corrector"),
                            scenario_id=last["scenario_id"], reason=reason,
                            based_on=int(based_on_version))

    def _insert(self, card: Scorecard, answers: Mapping[str, Any],
                notes: Mapping[str, str] | None, *, based_on: int | None = None,
                **row: Any) -> SavedScore:
        values = normalise(card, answers)
        result = score(card, values)          # raises IncompleteCard
        section_ids = {s.id for s in card.sections}
        notes = {k: str(v).strip() for k, v in (notes or {}).items() if str(v or "").strip()}
        bad = sorted(set(notes) - section_ids)
        if bad:
            raise StoreError(f"Not saved: notes for unknown section(s) {bad} of {card.key}.")
        saved_at = _now()
        with self._connect(write=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                if based_on is not None:
                    cur = con.execute("SELECT MAX(version), MAX(row_id) FROM scores WHERE score_id=?",
                                      (row["score_id"],)).fetchone()
                    if cur[0] != based_on:
                        raise ConflictError(
                            f"Not saved: score {row['score_id']} is now at version {cur[0]}, "
                            f"not {based_on}; someone corrected it meanwhile. Reload it, check "
                            f"their change, then correct again.")
                    supersedes = con.execute(
                        "SELECT row_id FROM scores WHERE score_id=? AND version=?",
                        (row["score_id"], based_on)).fetchone()[0]
                    row["supersedes"] = supersedes
                elif row["score_id"] is None:
                    self._continue_or_start(con, card, row)
                c = con.execute(
                    "INSERT INTO scores (score_id, version, supersedes, call_id, learner, rater, "
                    "saved_by, scenario_id, scorecard_id, scorecard_version, total, raw_total, "
                    "critical_failed, passed, reason, saved_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (row["score_id"], row["version"], row["supersedes"], row["call_id"],
                     row["learner"], row["rater"], row["saved_by"], row["scenario_id"], card.id,
                     card.version, result.total, result.raw_total, int(result.critical_failed),
                     int(result.passed), row["reason"], saved_at))
                row_id = c.lastrowid
                # After a critical fail, items left unanswered have no row (nothing was judged).
                items = [(row_id, i.section, i.id, values[i.id],
                          None if values[i.id] == "na" else i.scale.points[values[i.id]],
                          i.weight, 0) for i in card.items if i.id in values]
                items += [(row_id, "critical", c_.id, values[c_.id],
                           0.0 if values[c_.id] == FAIL else 1.0, 0.0, 1)
                          for c_ in card.critical if c_.id in values]
                con.executemany("INSERT INTO item_scores VALUES (?,?,?,?,?,?,?)", items)
                con.executemany("INSERT INTO section_notes VALUES (?,?,?)",
                                [(row_id, k, v) for k, v in notes.items()])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return SavedScore(row["score_id"], row["version"], row_id, result.total, result.raw_total,
                          result.critical_failed, result.passed, saved_at)

    @staticmethod
    def _continue_or_start(con: sqlite3.Connection, card: Scorecard, row: dict) -> None:
        """Inside the write transaction: make ``row`` the next version of this rater's score of
        this call, or version 1 of a new score when there is none."""
        prev = con.execute(
            "SELECT score_id, version, row_id, learner, scenario_id, scorecard_id FROM scores "
            "WHERE call_id = ? AND rater = ? ORDER BY row_id DESC LIMIT 1",
            (row["call_id"], row["rater"])).fetchone()
        if prev is None:
            row.update(score_id=uuid.uuid4().hex[:12], version=1, supersedes=None)
            return
        score_id, version, row_id, learner, scenario_id, scorecard_id = prev
        if (learner, scenario_id, scorecard_id) != (row["learner"], row["scenario_id"], card.id):
            raise StoreError(
                f"Not saved: {row['rater']} already scored call {row['call_id']!r} for "
                f"{learner} on scenario {scenario_id!r} (scorecard {scorecard_id}), not "
                f"{row['learner']} on {row['scenario_id']!r} ({card.id}). Check the Call ID: "
                f"give this call its own, or pick the same learner and scenario to save a new "
                f"version of that score.")
        row.update(score_id=score_id, version=version + 1, supersedes=row_id,
                   reason=row["reason"] or f"saved again by {row['rater']} (replaces version "
                                           f"{version})")

    # ------------------------------------------------------------------ reading
    _TYPES = {**dict.fromkeys(("critical_failed", "passed", "critical"), bool),
              **dict.fromkeys(("total", "raw_total", "points", "weight"), float),
              **dict.fromkeys(("version", "scorecard_version"), int)}

    def _frame(self, sql: str, params: tuple = (), columns: list[str] | None = None):
        import pandas as pd

        with self._connect(write=False) as con:
            if con is None:
                df = pd.DataFrame(columns=columns or [])
            else:
                df = pd.read_sql_query(sql, con, params=params)
        for col, kind in self._TYPES.items():
            if col in df:
                df[col] = df[col].astype("int64" if kind is int else kind)
        if "saved_at" in df:
            df["saved_at"] = pd.to_datetime(df["saved_at"], utc=True, format="ISO8601")
        return df

    _LATEST = ("SELECT * FROM scores s WHERE version = "
               "(SELECT MAX(version) FROM scores t WHERE t.score_id = s.score_id)")

    def results(self):
        """Latest version of every saved score, one row each, oldest first."""
        cols = ", ".join(RESULT_COLUMNS)
        return self._frame(f"SELECT {cols} FROM ({self._LATEST}) ORDER BY row_id", (),
                           RESULT_COLUMNS)

    def result_rows(self) -> list[dict]:
        """:meth:`results` as plain dicts (``saved_at`` as its ISO text), read without pandas:
        for commands that look at a few scores (``academy progress``) and must start quickly."""
        cols = ", ".join(RESULT_COLUMNS)
        with self._connect(write=False) as con:
            if con is None:
                return []
            cur = con.execute(f"SELECT {cols} FROM ({self._LATEST}) ORDER BY row_id")
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
        for row in rows:
            for col, kind in self._TYPES.items():
                if col in row and row[col] is not None:
                    row[col] = kind(row[col])
        return rows

    def history(self, score_id: str | None = None):
        """Every version ever saved (of one score, or of all), with what each superseded."""
        cols = ", ".join(["row_id", "supersedes", *RESULT_COLUMNS])
        where, params = ("WHERE score_id = ?", (score_id,)) if score_id else ("", ())
        return self._frame(f"SELECT {cols} FROM scores {where} ORDER BY score_id, version",
                           params, ["row_id", "supersedes", *RESULT_COLUMNS])

    def item_scores(self, latest_only: bool = True, call_id: str | None = None):
        """Per-item answers in long format (one row per score and item), for calibration."""
        base = self._LATEST if latest_only else "SELECT * FROM scores"
        where, params = ("WHERE s.call_id = ?", (call_id,)) if call_id else ("", ())
        cols = ", ".join(f"s.{c}" if c not in ("section_id", "item_id", "critical", "value",
                                               "points", "weight") else f"i.{c}"
                         for c in ITEM_COLUMNS)
        sql = (f"SELECT {cols} FROM ({base}) s JOIN item_scores i ON i.row_id = s.row_id "
               f"{where} ORDER BY s.row_id, i.rowid")
        return self._frame(sql, params, ITEM_COLUMNS)

    def notes(self, score_id: str | None = None):
        """Section notes of the latest version of each score."""
        where, params = ("WHERE s.score_id = ?", (score_id,)) if score_id else ("", ())
        sql = (f"SELECT s.score_id, s.version, s.call_id, s.learner, s.rater, n.section_id, "
               f"n.note FROM ({self._LATEST}) s JOIN section_notes n ON n.row_id = s.row_id "
               f"{where} ORDER BY s.row_id")
        return self._frame(sql, params, ["score_id", "version", "call_id", "learner", "rater",
                                         "section_id", "note"])

    def answers(self, score_id: str, version: int | None = None) -> tuple[dict, dict]:
        """(answers, notes) of one version (default: latest) of a score, to correct it."""
        with self._connect(write=False) as con:
            if con is None:
                raise StoreError(f"No saved score {score_id!r}: {self.path} does not exist yet.")
            if version is None:
                version = con.execute("SELECT MAX(version) FROM scores WHERE score_id=?",
                                      (score_id,)).fetchone()[0]
            row = con.execute("SELECT row_id FROM scores WHERE score_id=? AND version=?",
                              (score_id, version)).fetchone()
            if row is None:
                raise StoreError(f"No saved score {score_id!r} version {version} in {self.path}.")
            items = dict(con.execute("SELECT item_id, value FROM item_scores WHERE row_id=?",
                                     row).fetchall())
            notes = dict(con.execute("SELECT section_id, note FROM section_notes WHERE row_id=?",
                                     row).fetchall())
        return items, notes

    def latest_for(self, call_id: str, rater: str) -> tuple[str, int] | None:
        """(score_id, version) of this rater's latest score of this call, if any."""
        df = self.results()
        df = df[(df["call_id"] == call_id) & (df["rater"] == " ".join(rater.split()))]
        if df.empty:
            return None
        last = df.iloc[-1]
        return str(last["score_id"]), int(last["version"])

    def export_csv(self, path: str | Path, table: str = "results") -> Path:
        """Write ``results`` (default), ``items``, ``history`` or ``notes`` to a CSV file."""
        frames = {"results": self.results, "items": self.item_scores, "history": self.history,
                  "notes": self.notes}
        if table not in frames:
            raise ValueError(f"table must be one of {', '.join(frames)}, not {table!r}")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        frames[table]().to_csv(path, index=False)
        return path


__all__ = ["RolePlayStore", "SavedScore", "StoreError", "ConflictError", "IncompleteCard",
           "default_db_path", "SCHEMA_VERSION"]
