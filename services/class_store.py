"""A class (issue 11): the teacher's screen leads, students follow, and the class answers questions.

Plain Python, no Streamlit and no words: errors are coded (``ClassError``, ``ClassStoreDown``; words in
words/class_errors.py). One code path on two databases (issue 19), chosen by ``settings.class_db()``:

- SQLite (the default: ``sqlite3``, one file in the cache folder, WAL, a busy timeout) for one server;
- PostgreSQL (``CNNLIB_CLASS_DB=postgresql://…``: psycopg 3 and its connection pool) for several replicas
  sharing the classes. Every write that followers must see sends a NOTIFY (``CHANNEL``); ``listen`` runs
  the process's one listener thread, which keeps the version cache current and tells the caller (the
  ui's push) which classes moved, and after a dropped connection reconnects and reports every class it
  knows, so followers catch up on the latest version.

The dialects differ in a few words only (``Dialect``: placeholders, float type, transactions, listing
columns); the SQL is the same. The schema is created and migrated by the app (``schema_version``).

- A class has a ``code`` that is easy to read aloud (``ALPHABET`` leaves out look-alikes such as
  0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B; eight signs, said in two groups of four: ``spoken``) and a teacher
  ``key`` (``secrets.token_urlsafe(32)``: 256 bits), stored only as its SHA-256 and compared in constant
  time. Only the key changes the class.
- Guessing a live class's code is made impractical: 20⁸ = 2.56·10¹⁰ codes, and wrong codes are bounded
  (``Tries``: at most 5 a session before it must wait, and a bucket of 30 for the whole server refilled
  at 10 a minute). In a class's 4-hour life that allows 30 + 2,400 wrong guesses in all; with 10 live
  classes the chance that any guess hits one is at most 2,430 · 10 / 2.56·10¹⁰ ≈ 9.5·10⁻⁷ (README).
- Members are students (an id kept in the student's address, shared by the same student's tabs and
  surviving a reload) and the teacher: one answer per student and question, however many tabs.
- Ended and expired classes are deleted with their members, questions and answers by a background
  sweep (``start_sweeping``): no request pays for it.
- The teacher publishes the page and its link state (the address's parameters: no second state format).
  Nothing polls: a publication reruns the followers' sessions (ui/class_push.py), and each follower's
  run asks ``version(code)`` (an in-process dict lookup kept current on every write) and reads the
  state only when it moved.
- Questions: the teacher opens one, students answer (one answer per student however many tabs, a new
  one replaces the old), ``histogram`` counts them anonymously, the teacher reveals the computed answer.
- A class idle for ``settings.class_hours()`` has expired. A new ``ClassStore`` on the same file (a
  server restart) finds every class, its state and its answers again.

On SQLite the version cache sees only this process's writes (one server); on PostgreSQL the listener
keeps it current across replicas, and while it is not connected ``version`` asks the database
(README, "Class mode past one server").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cnnlib.errors import LessonError
from services import settings

log = logging.getLogger(__name__)
ALPHABET = "ACDEFHJKMNPRTWXY3479"  # 20 signs; no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V
CODE_LENGTH = 8  # 20⁸ = 2.56·10¹⁰ codes, said in two groups of four
SESSION_FREE_TRIES = 5  # wrong codes a session may type before it must wait
SESSION_WAIT_S = 30.0  # then one more every this many seconds
SERVER_TRIES = 30  # wrong codes the whole server may see at once (a class mistyping at the start) …
SERVER_REFILL_PER_S = 10 / 60  # … refilled at 10 a minute
SWEEP_EVERY_S = 600.0  # how often the background sweep deletes ended and expired classes
KEY_BYTES = 32  # secrets.token_urlsafe(32): 256 bits of randomness, far above the 128 the issue asks
FILE_NAME = "classes.sqlite3"
CHANNEL = "cnnlib_class"  # PostgreSQL's NOTIFY channel: "<code> <version> <what> <store id>"
CONNECT_TIMEOUT_S = 3  # a page waits at most this long for an unreachable PostgreSQL before it says so
RECONNECT_S = (0.2, 1.0)  # the listener's first and longest wait between tries to reconnect (class calls wait for it:
# AWAY_FAILS_FAST)
POOL_RETRY_S = 2.0  # the pool's own retries of a lost connection stop after this; the next call tries again at once
# (psycopg_pool's default, waits that double for 5 minutes: after an 8 s outage, page calls waited for its next try,
# seconds after the database was back, and the catch-up read failed and was lost: README, "Class mode past one server")
AWAY_FAILS_FAST = True  # while the listener has not reached the database again, calls fail at once instead of each
# waiting CONNECT_TIMEOUT_S (bench/class_outage.py's baseline turns it off)
DOWN_S = 2.0  # after the database could not be reached, calls fail at once for this long (a page's run does not
# wait CONNECT_TIMEOUT_S for each of its calls)
SCHEMA_VERSION = 1  # the schema_version table's value once migrated; a new migration adds 1 (see _migrate)
SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, key_hash TEXT NOT NULL, created REAL NOT NULL,
    touched REAL NOT NULL, ended REAL, page TEXT NOT NULL DEFAULT '', state_json TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 0, extra_json TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS members (code TEXT NOT NULL, session TEXT NOT NULL, role TEXT NOT NULL,
    last_seen REAL NOT NULL, student TEXT, PRIMARY KEY (code, session));
CREATE TABLE IF NOT EXISTS questions (code TEXT NOT NULL, qid TEXT NOT NULL, opened REAL, revealed REAL,
    answer REAL, about TEXT NOT NULL DEFAULT '', PRIMARY KEY (code, qid));
CREATE TABLE IF NOT EXISTS answers (code TEXT NOT NULL, qid TEXT NOT NULL, session TEXT NOT NULL,
    value REAL NOT NULL, PRIMARY KEY (code, qid, session));
"""


class ClassError(LessonError):
    """A class that cannot be joined or changed."""

    domain = "class_errors"
    codes = {
        "unknown": ("code",),  # no class has this code (or it is not a code at all)
        "expired": ("code", "hours"),  # nobody touched it for `hours`
        "ended": ("code",),  # the teacher ended it
        "not_teacher": (),  # the key is wrong: only the teacher changes a class
        "not_open": (),  # an answer to a question that is not open (or already revealed)
        "slow_down": ("seconds",),  # too many wrong codes: wait before trying another
    }


class ClassStoreDown(LessonError):
    """The class database cannot be reached (PostgreSQL down, or the network): class mode waits, pages work."""

    domain = "class_errors"
    codes = {"unreachable": ()}


class Dialect:
    """SQLite's words: ``?`` placeholders, REAL, BEGIN IMMEDIATE, PRAGMA table_info."""

    name = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def sql(self, text: str) -> str:
        return text

    def schema(self) -> list[str]:
        return [part.strip() for part in SCHEMA.split(";") if part.strip()]

    def columns(self, db, table: str) -> set[str]:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}


class PostgresDialect(Dialect):
    """PostgreSQL's: ``%s`` placeholders, DOUBLE PRECISION (its REAL is 4 bytes: too few for a clock),
    information_schema; transactions are psycopg's."""

    name = "postgresql"

    def __init__(self):
        import psycopg
        import psycopg_pool

        self.errors = (psycopg.Error, psycopg_pool.PoolTimeout)
        self._operational, self._timeout = psycopg.OperationalError, psycopg_pool.PoolTimeout

    def unreachable(self, err: BaseException) -> bool:
        """Whether an error means the database cannot be reached (no connection from the pool, a refused or
        broken connection, the server shutting down), not a failing statement (a deadlock, a cancel)."""
        if isinstance(err, self._timeout):
            return True
        state = getattr(err, "sqlstate", None)
        return isinstance(err, self._operational) and (state is None or state.startswith(("08", "57P")))

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def schema(self) -> list[str]:
        return [part.replace(" REAL", " DOUBLE PRECISION") for part in super().schema()]

    def columns(self, db, table: str) -> set[str]:
        return {row[0] for row in db.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                             "current_schema() AND table_name = %s", (table,)).fetchall()}


@dataclass(frozen=True)
class ClassState:
    code: str
    page: str  # the teacher's page (its url path; "" is the lecture map)
    params: dict  # the page's address parameters, as the teacher's address has them
    version: int
    extra: dict = field(default_factory=dict)  # what the teacher shows beyond the address (window step, carried map, run)


@dataclass(frozen=True)
class Question:
    qid: str
    opened: bool
    revealed: bool
    answer: float | None  # the computed answer, stored when revealed
    about: str = ""  # the setting the revealed answer is the answer for (the page's address, as the teacher had it)


def new_code(taken: Callable[[str], bool] = lambda code: False) -> str:
    """A random code from ALPHABET that `taken` does not refuse."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not taken(code):
            return code


def spoken(code: str) -> str:
    """A code as it is shown and read aloud: two groups of four ("ACDE FHJK")."""
    code = normal_code(code)
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


class Tries:
    """Wrong codes, bounded per session and for the whole server (a token bucket), with an injected clock."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens, self._filled = float(SERVER_TRIES), clock()
        self._sessions: dict[str, tuple[int, float]] = {}  # session -> (wrong codes, when the last one was typed)

    def _refill(self, now: float) -> None:
        self._tokens = min(SERVER_TRIES, self._tokens + (now - self._filled) * SERVER_REFILL_PER_S)
        self._filled = now

    def wait(self, session: str) -> float:
        """Seconds this session must wait before its next code is looked up (0: go ahead)."""
        now = self.clock()
        with self._lock:
            self._refill(now)
            wrong, last = self._sessions.get(session, (0, 0.0))
            mine = 0.0 if wrong < SESSION_FREE_TRIES else max(0.0, last + SESSION_WAIT_S - now)
            server = 0.0 if self._tokens >= 1 else (1 - self._tokens) / SERVER_REFILL_PER_S
            return max(mine, server)

    def wrong(self, session: str) -> None:
        now = self.clock()
        with self._lock:
            self._refill(now)
            self._tokens = max(0.0, self._tokens - 1)
            wrong, _ = self._sessions.get(session, (0, 0.0))
            self._sessions[session] = (wrong + 1, now)
            if len(self._sessions) > 10_000:  # bounded: the oldest sessions are forgotten first
                for old in sorted(self._sessions, key=lambda s: self._sessions[s][1])[:5_000]:
                    del self._sessions[old]


def normal_code(text: str) -> str:
    """What a student typed, as a code: upper case, without spaces and dashes ("ab c-d" → "ABCD")."""
    return "".join(ch for ch in str(text).upper() if ch not in " -\t")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ClassStore:
    """Classes, members, questions and answers in one SQLite file or one PostgreSQL database (thread-safe:
    SQLite has one connection behind a lock, PostgreSQL a small pool)."""

    def __init__(self, where: Path | str, *, hours: float | None = None, clock: Callable[[], float] = time.time):
        """where: a SQLite file's path, or a ``postgresql://`` address."""
        self.url = str(where) if str(where).startswith(tuple(f"{s}://" for s in settings.DATABASE_SCHEMES)) else None
        self.path = None if self.url else Path(where)
        self.hours = settings.class_hours() if hours is None else float(hours)
        self.clock = clock
        self.id = secrets.token_hex(6)  # this store's NOTIFYs: its own listener does not nudge twice
        self._lock = threading.RLock()
        self._versions: dict[str, int] = {}  # code -> version: what a follower's run asks, without the database
        # What 40 followers' runs read after each change, read once per version (``_vouched``): code -> (version, the
        # class's row) and code -> (version, {qid: Question}). A change bumps the version, so an entry is never stale.
        self._rows: dict[str, tuple[int, tuple]] = {}
        self._questions: dict[str, tuple[int, dict[str, Question]]] = {}
        self.tries = Tries(clock)  # wrong codes, bounded
        self._closed = threading.Event()
        self._sweeper: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self.listening = threading.Event()  # PostgreSQL: the listener is connected (the version cache is current)
        self.away = threading.Event()  # PostgreSQL: the listener lost the database and has not reached it again
        self.pool_gave_up = threading.Event()  # PostgreSQL: the pool stopped retrying a lost connection (POOL_RETRY_S)
        self._down_until = 0.0  # PostgreSQL: monotonic time until which calls fail at once (it was just unreachable)
        if self.url is None:
            self.dialect = Dialect()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.execute("PRAGMA synchronous=NORMAL")
        else:
            from psycopg_pool import ConnectionPool

            self.dialect = PostgresDialect()
            self._pool = ConnectionPool(self.url, min_size=1, max_size=4, timeout=CONNECT_TIMEOUT_S, open=False,
                                        reconnect_timeout=POOL_RETRY_S, reconnect_failed=self._pool_gave_up,
                                        check=ConnectionPool.check_connection, name="cnnlib-class",
                                        kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S})
            self._pool.open(wait=False)
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # ---- plumbing ---------------------------------------------------------------------------------

    def _pool_gave_up(self, _pool) -> None:
        """The pool's retries of a lost connection ran out: the next call tries again (psycopg_pool's callback)."""
        self.pool_gave_up.set()

    @contextmanager
    def _connection(self) -> Iterator:
        """A connection for one read or transaction; a database that cannot be reached is ClassStoreDown."""
        if self.url is None:
            with self._lock:
                yield self._db
            return
        if time.monotonic() < self._down_until or (AWAY_FAILS_FAST and self.away.is_set()):
            raise ClassStoreDown("unreachable")
        try:
            with self._pool.connection() as db:
                yield db
        except self.dialect.errors as err:
            if not self.dialect.unreachable(err):
                raise
            self._down_until = time.monotonic() + DOWN_S
            raise ClassStoreDown("unreachable") from err

    @contextmanager
    def _transaction(self) -> Iterator:
        """One transaction (SQLite: BEGIN IMMEDIATE, another process waits for busy_timeout)."""
        with self._lock, self._connection() as db:
            if self.url is not None:
                with db.transaction():
                    yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _read(self, sql: str, args=()) -> list[tuple]:
        with self._connection() as db:
            return db.execute(self.dialect.sql(sql), args).fetchall()

    def _write(self, *statements: tuple[str, tuple]) -> None:
        """Statements in one transaction."""
        with self._transaction() as db:
            for sql, args in statements:
                db.execute(self.dialect.sql(sql), args)

    def _migrate(self) -> None:
        """Create the schema, or bring an older one up to SCHEMA_VERSION (in one transaction; on PostgreSQL
        under an advisory lock, so replicas starting together migrate once)."""
        with self._transaction() as db:
            if self.url is not None:
                db.execute("SELECT pg_advisory_xact_lock(19)")
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            rows = db.execute("SELECT version FROM schema_version").fetchall()
            have = rows[0][0] if rows else 0
            if have >= SCHEMA_VERSION:
                return
            for statement in self.dialect.schema():
                db.execute(statement)
            # version 1: what files written before the schema had a version lack (issues 11, 17)
            for table, column, declared in (("classes", "extra_json", "TEXT NOT NULL DEFAULT '{}'"),
                                            ("members", "student", "TEXT"),
                                            ("questions", "about", "TEXT NOT NULL DEFAULT ''")):
                if column not in self.dialect.columns(db, table):
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declared}")
            db.execute("DELETE FROM schema_version")
            db.execute(self.dialect.sql("INSERT INTO schema_version (version) VALUES (?)"), (SCHEMA_VERSION,))

    def close(self) -> None:
        self._closed.set()
        if self.url is None:
            with self._lock:
                self._db.close()
        else:
            self._pool.close()
        for thread in (self._listener,):
            if thread is not None and thread is not threading.current_thread():
                thread.join(10)

    # ---- classes ----------------------------------------------------------------------------------

    def create(self) -> tuple[str, str]:
        """A new class: (code, teacher key). The key is shown once and stored only as its hash."""
        key = secrets.token_urlsafe(KEY_BYTES)
        now = self.clock()
        with self._transaction() as db:
            code = new_code(lambda c: bool(db.execute(self.dialect.sql("SELECT 1 FROM classes WHERE code=?"), (c,)).fetchall()))
            db.execute(self.dialect.sql("INSERT INTO classes (code, key_hash, created, touched) VALUES (?, ?, ?, ?)"),
                       (code, key_hash(key), now, now))
        self._versions[code] = 0
        return code, key

    def _row(self, code: str) -> tuple:
        """(key_hash, touched, ended, page, state_json, version, extra_json); ClassError if the class cannot be used."""
        code = normal_code(code)
        rows = self._read("SELECT key_hash, touched, ended, page, state_json, version, extra_json FROM classes WHERE code=?",
                          (code,))
        if not rows:
            raise ClassError("unknown", code=code)
        row = rows[0]
        if row[2] is not None:
            raise ClassError("ended", code=code)
        if self.clock() - row[1] > self.hours * 3600:
            raise ClassError("expired", code=code, hours=self.hours)
        return row

    def _vouched(self, code: str) -> int | None:
        """The class's version as this store knows it without asking the database, when that is the database's: on
        SQLite (one server: every write is this process's), on PostgreSQL while the listener hears every change."""
        if self.url is not None and not self.listening.is_set():
            return None
        return self._versions.get(code)

    def _saw(self, code: str, version: int) -> None:
        self._versions[code] = max(version, self._versions.get(code, version))  # never back over a newer bump

    def check(self, code: str) -> ClassState:
        """The class's published state; ClassError if it is unknown, expired or ended. Read once per version: a
        teacher's change reruns every follower, and each asks this."""
        code = normal_code(code)
        version, row = self._rows.get(code, (None, None))
        if row is None or version != self._vouched(code) or self.clock() - row[1] > self.hours * 3600:
            row = self._row(code)  # a member's visit touches the class without a new version: expiry is the database's
            self._rows[code] = (row[5], row)
            self._saw(code, row[5])
        return self._state(code, row)

    def last_read(self, code: str) -> ClassState | None:
        """The class's state as this process read it last (what its followers were given), without asking the
        database; None for a class it never read."""
        code = normal_code(code)
        _, row = self._rows.get(code, (None, None))
        return None if row is None else self._state(code, row)

    @staticmethod
    def _state(code: str, row: tuple) -> ClassState:
        _, _, _, page, state_json, version, extra_json = row
        return ClassState(code, page, json.loads(state_json), version, json.loads(extra_json))

    def find(self, code: str, session: str) -> ClassState:
        """A code someone typed or opened (a guess until it is found): ``check``, within the bounds on wrong
        codes (ClassError("slow_down") while this session or the server must wait)."""
        wait = self.tries.wait(session)
        if wait > 0:
            raise ClassError("slow_down", seconds=math.ceil(wait))
        try:
            return self.check(code)
        except ClassError as err:
            if err.code == "unknown":
                self.tries.wrong(session)
            raise

    def is_teacher(self, code: str, key: str | None) -> bool:
        """Whether key is this class's teacher key (constant-time comparison of the hashes)."""
        if not key:
            return False
        try:
            stored = self._row(code)[0]
        except ClassError:
            return False
        return hmac.compare_digest(stored, key_hash(str(key)))

    def _teacher(self, code: str, key: str | None) -> str:
        if not self.is_teacher(code, key):
            self._row(code)  # an unknown, expired or ended class says so first
            raise ClassError("not_teacher")
        return normal_code(code)

    def _bump(self, code: str, what: str, *statements: tuple[str, tuple]) -> int:
        """One change that followers must see, in one transaction: the statements, the version + 1, the class
        touched and (PostgreSQL) a NOTIFY to every replica, sent when it commits. `what`: the change
        (publish, ask, reveal, end)."""
        with self._transaction() as db:
            for sql, args in statements:
                db.execute(self.dialect.sql(sql), args)
            version = db.execute(self.dialect.sql("UPDATE classes SET version = version + 1, touched = ? WHERE code = ? "
                                                  "RETURNING version"), (self.clock(), code)).fetchall()[0][0]
            if self.url is not None:
                db.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{code} {version} {what} {self.id}"))
        self._saw(code, version)
        return version

    def publish(self, code: str, key: str, page: str, params: dict, extra: dict | None = None) -> int:
        """The teacher's page, its address parameters and what else it shows; returns the new version."""
        code = self._teacher(code, key)
        return self._bump(code, "publish", ("UPDATE classes SET page = ?, state_json = ?, extra_json = ? WHERE code = ?",
                          (page, json.dumps(params, sort_keys=True), json.dumps(extra or {}, sort_keys=True), code)))

    def end(self, code: str, key: str) -> None:
        code = self._teacher(code, key)
        self._bump(code, "end", ("UPDATE classes SET ended = ? WHERE code = ?", (self.clock(), code)))

    def sweep(self) -> int:
        """Delete ended classes and those idle past their hours, with their members, questions and answers.
        Returns how many classes went."""
        limit = self.clock() - self.hours * 3600
        with self._lock:
            gone = [row[0] for row in self._read("SELECT code FROM classes WHERE ended IS NOT NULL OR touched < ?", (limit,))]
            if gone:
                marks = ",".join("?" * len(gone))
                self._write(*((f"DELETE FROM {table} WHERE code IN ({marks})", tuple(gone))
                              for table in ("answers", "questions", "members", "classes")))
                for code in gone:
                    for known in (self._versions, self._rows, self._questions):
                        known.pop(code, None)
        return len(gone)

    def start_sweeping(self, every: float = SWEEP_EVERY_S) -> threading.Thread:
        """A daemon thread that sweeps every `every` seconds (once per store; the server's requests never wait)."""
        with self._lock:
            if self._sweeper is None:
                def loop():
                    while not self._closed.wait(every):
                        try:
                            self.sweep()
                        except (*self.dialect.errors, ClassStoreDown):  # a locked file, a database away: next time
                            continue

                self._sweeper = threading.Thread(target=loop, name="cnnlib-class-sweep", daemon=True)
                self._sweeper.start()
            return self._sweeper

    def version(self, code: str) -> int | None:
        """The class's version: a dict lookup (None for a code this store never saw)."""
        version = self._versions.get(code)
        if version is None or (self.url is not None and not self.listening.is_set()):  # no listener: ask
            rows = self._read("SELECT version FROM classes WHERE code=?", (normal_code(code),))
            if not rows:
                return None
            version = self._versions[code] = rows[0][0]
        return version

    # ---- across replicas (PostgreSQL) --------------------------------------------------------------

    def listen(self, changed: Callable[[str, int | None, str], None]) -> threading.Thread | None:
        """PostgreSQL: this store's one listener thread (None on SQLite: one process, nothing to hear).
        ``changed(code, version, what)`` is called, on the listener's thread, for every change another store
        made (what: publish, ask, reveal, end), for every class this store knows when the connection drops
        (version None, what "down") and again when it is back (what "catch_up": the followers take the latest)."""
        if self.url is None:
            return None
        if self._listener is not None:  # every class call asks: no lock once it runs
            return self._listener
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, args=(changed,), name="cnnlib-class-listen",
                                                  daemon=True)
                self._listener.start()
            return self._listener

    def _listen(self, changed) -> None:
        import psycopg

        wait = RECONNECT_S[0]
        while not self._closed.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as db:
                    db.execute(f"LISTEN {CHANNEL}")
                    if self.away.is_set():  # back after an outage, which no page call asked the pool about: its
                        self._pool.check()  # connections were lost; new ones now, before the followers' reruns
                    self.listening.set()
                    self.away.clear()
                    self._down_until, wait = 0.0, RECONNECT_S[0]
                    self._tell_all(changed, "catch_up", db)
                    while not self._closed.is_set():
                        for note in db.notifies(timeout=0.5):
                            self._heard(note.payload, changed)
            except (psycopg.Error, ClassStoreDown) as err:
                if self.listening.is_set():
                    log.warning("class store: the listener lost PostgreSQL (%s); reconnecting", type(err).__name__)
            if self._closed.is_set():  # closed (the server stops): nobody to tell
                self.listening.clear()
                break
            if self.listening.is_set():
                self.listening.clear()
                self.away.set()
                self._tell_all(changed, "down")
            if self._closed.wait(wait):
                break
            wait = min(2 * wait, RECONNECT_S[1])

    def _heard(self, payload: str, changed) -> None:
        try:
            code, version, what, sender = payload.split(" ")
            version = int(version)
        except ValueError:
            return
        self._versions[code] = max(version, self._versions.get(code, version))
        if sender != self.id:  # this store's own change: its caller nudged this process already
            self._call(changed, code, version, what)

    def _tell_all(self, changed, what: str, db=None) -> None:
        """Every class this process knows: "down" (its followers show that the class waits), or "catch_up" after
        a reconnect (the versions read again on the listener's own connection `db`, which has just reached the
        database whatever the pool is doing; a failed read drops it and the listener tries again, so no catch-up is
        lost; then the followers rerun and take the latest)."""
        codes = list(self._versions)
        if what == "catch_up" and codes:
            sql = self.dialect.sql(f"SELECT code, version FROM classes WHERE code IN ({','.join('?' * len(codes))})")
            found = dict(db.execute(sql, tuple(codes)).fetchall())
            self._versions.update(found)
            codes = list(found)
        for code in codes:
            self._call(changed, code, self._versions.get(code) if what != "down" else None, what)

    @staticmethod
    def _call(changed, code, version, what) -> None:
        try:
            changed(code, version, what)
        except Exception:  # noqa: BLE001 - the listener goes on whatever a nudge does
            log.exception("class store: telling %s about %s failed", code, what)

    # ---- members ----------------------------------------------------------------------------------

    def join(self, code: str, session: str, role: str = "student", student: str | None = None) -> None:
        """A browser session is in the class (again: last_seen now); `student`: the student it belongs to (one
        student's tabs share it). Raises ClassError if the class cannot be used."""
        code = normal_code(code)
        self._row(code)
        now = self.clock()
        self._write(("INSERT INTO members (code, session, role, last_seen, student) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (code, session) DO UPDATE SET last_seen = excluded.last_seen, role = excluded.role, "
                     "student = excluded.student", (code, session, role, now, student)),
                    ("UPDATE classes SET touched = ? WHERE code = ?", (now, code)))

    def joined(self, code: str, within: float = 90.0, role: str = "student") -> int:
        """How many with `role` were seen in the last `within` seconds: each student once, however many tabs."""
        return self._read("SELECT COUNT(DISTINCT COALESCE(student, session)) FROM members WHERE code=? AND role=? "
                          "AND last_seen >= ?", (normal_code(code), role, self.clock() - within))[0][0]

    def members(self, code: str) -> list[str]:
        """Every browser session that ever joined (teacher included): whose training requests are the class's."""
        return [row[0] for row in self._read("SELECT session FROM members WHERE code=?", (normal_code(code),))]

    # ---- questions --------------------------------------------------------------------------------

    def open_question(self, code: str, key: str, qid: str) -> None:
        """The teacher asks `qid` (again: earlier answers to it are cleared)."""
        code = self._teacher(code, key)
        self._bump(code, "ask", ("DELETE FROM answers WHERE code=? AND qid=?", (code, qid)),
                   ("INSERT INTO questions (code, qid, opened, revealed, answer) VALUES (?, ?, ?, NULL, NULL) "
                    "ON CONFLICT (code, qid) DO UPDATE SET opened = excluded.opened, revealed = NULL, answer = NULL",
                    (code, qid, self.clock())))

    def reveal(self, code: str, key: str, qid: str, answer: float, about: str = "") -> None:
        """The teacher shows the computed answer for the setting `about`; answering stops."""
        code = self._teacher(code, key)
        self._bump(code, "reveal", ("UPDATE questions SET revealed = ?, answer = ?, about = ? WHERE code = ? AND qid = ?",
                                     (self.clock(), float(answer), about, code, qid)))

    def question(self, code: str, qid: str, fresh: bool = False) -> Question:
        """The question as it stands (read once per version of the class: asking and revealing bump it; `fresh`:
        from the database, for a write that depends on it)."""
        code = normal_code(code)
        version = None if fresh else self._vouched(code)
        cached = self._questions.get(code)
        if cached is None or version is None or cached[0] != version:
            rows = self._read("SELECT qid, opened, revealed, answer, about FROM questions WHERE code=?", (code,))
            cached = (version, {q: Question(q, opened is not None, revealed is not None, answer, about or "")
                                for q, opened, revealed, answer, about in rows})
            if version is not None:  # read after the version: never older than it
                self._questions[code] = cached
        return cached[1].get(qid, Question(qid, False, False, None))

    def answer(self, code: str, qid: str, session: str, value: float) -> None:
        """A student's answer (a new one replaces the session's earlier one); only while the question is open."""
        code = normal_code(code)
        self._row(code)
        with self._lock:
            asked = self.question(code, qid, fresh=True)
            if not asked.opened or asked.revealed:
                raise ClassError("not_open")
            self._write(("INSERT INTO answers (code, qid, session, value) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (code, qid, session) DO UPDATE SET value = excluded.value",
                         (code, qid, session, float(value))))

    def my_answer(self, code: str, qid: str, session: str) -> float | None:
        rows = self._read("SELECT value FROM answers WHERE code=? AND qid=? AND session=?", (normal_code(code), qid, session))
        return rows[0][0] if rows else None

    def histogram(self, code: str, qid: str, digits: int = 0) -> list[tuple[float, int]]:
        """The answers, rounded to `digits`, as (value, how many) in increasing value: no sessions."""
        counts: dict[float, int] = {}
        for (value,) in self._read("SELECT value FROM answers WHERE code=? AND qid=?", (normal_code(code), qid)):
            rounded = round(value, digits)
            counts[rounded] = counts.get(rounded, 0) + 1
        return sorted(counts.items())


_STORES: dict[str, ClassStore] = {}
_STORES_LOCK = threading.Lock()
_FAILED: dict[str, float] = {}  # where -> monotonic time until which get_store fails at once (it was just unreachable)


def get_store(where: Path | str | None = None) -> ClassStore:
    """The process-wide store for `where` (default: ``settings.class_db()``, else classes.sqlite3 in the cache
    folder). A PostgreSQL that cannot be reached raises ClassStoreDown, and the next call tries again."""
    if where is None:
        where = settings.class_db() or settings.cache_dir() / FILE_NAME
    key = str(where)
    with _STORES_LOCK:
        if key not in _STORES:
            if time.monotonic() < _FAILED.get(key, 0.0):
                raise ClassStoreDown("unreachable")
            try:
                _STORES[key] = ClassStore(where)
            except ClassStoreDown:
                _FAILED[key] = time.monotonic() + DOWN_S  # the next page's call tries again, a moment later
                raise
            _STORES[key].start_sweeping()
        return _STORES[key]
