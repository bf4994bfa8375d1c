"""A class (issue 11): the teacher's screen leads, students follow, and the class answers questions.

Plain Python on SQLite (``sqlite3``, WAL, a busy timeout), no Streamlit and no words: errors are
coded (``ClassError``, words in words/class_errors.py).

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

One server process: the version cache sees only this process's writes. Several replicas need sticky
sessions and a shared database (README, "Class mode past one server").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cnnlib.errors import LessonError
from services import settings

ALPHABET = "ACDEFHJKMNPRTWXY3479"  # 20 signs; no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V
CODE_LENGTH = 8  # 20⁸ = 2.56·10¹⁰ codes, said in two groups of four
SESSION_FREE_TRIES = 5  # wrong codes a session may type before it must wait
SESSION_WAIT_S = 30.0  # then one more every this many seconds
SERVER_TRIES = 30  # wrong codes the whole server may see at once (a class mistyping at the start) …
SERVER_REFILL_PER_S = 10 / 60  # … refilled at 10 a minute
SWEEP_EVERY_S = 600.0  # how often the background sweep deletes ended and expired classes
KEY_BYTES = 32  # secrets.token_urlsafe(32): 256 bits of randomness, far above the 128 the issue asks
FILE_NAME = "classes.sqlite3"
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
    """Classes, members, questions and answers in one SQLite file (thread-safe: one connection, one lock)."""

    def __init__(self, path: Path | str, *, hours: float | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.hours = settings.class_hours() if hours is None else float(hours)
        self.clock = clock
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(classes)")}
        if "extra_json" not in columns:  # a file written before the teacher's view had more than the address
            self._db.execute("ALTER TABLE classes ADD COLUMN extra_json TEXT NOT NULL DEFAULT '{}'")
        if "student" not in {row[1] for row in self._db.execute("PRAGMA table_info(members)")}:  # … or students' ids
            self._db.execute("ALTER TABLE members ADD COLUMN student TEXT")
        if "about" not in {row[1] for row in self._db.execute("PRAGMA table_info(questions)")}:  # … or a reveal's setting
            self._db.execute("ALTER TABLE questions ADD COLUMN about TEXT NOT NULL DEFAULT ''")
        self._versions: dict[str, int] = {}  # code -> version: what a follower's run asks, without touching the file
        self.tries = Tries(clock)  # wrong codes, bounded
        self._closed = threading.Event()
        self._sweeper: threading.Thread | None = None

    # ---- plumbing ---------------------------------------------------------------------------------

    def _read(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _write(self, *statements: tuple[str, tuple]) -> None:
        """Statements in one transaction (BEGIN IMMEDIATE: another process waits for busy_timeout)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    self._db.execute(sql, args)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            self._db.close()

    # ---- classes ----------------------------------------------------------------------------------

    def create(self) -> tuple[str, str]:
        """A new class: (code, teacher key). The key is shown once and stored only as its hash."""
        key = secrets.token_urlsafe(KEY_BYTES)
        now = self.clock()
        with self._lock:
            code = new_code(lambda c: bool(self._read("SELECT 1 FROM classes WHERE code=?", (c,))))
            self._write(("INSERT INTO classes (code, key_hash, created, touched) VALUES (?, ?, ?, ?)",
                         (code, key_hash(key), now, now)))
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

    def check(self, code: str) -> ClassState:
        """The class's published state; ClassError if it is unknown, expired or ended."""
        _, _, _, page, state_json, version, extra_json = self._row(code)
        code = normal_code(code)
        self._versions[code] = version
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

    def _bump(self, code: str, sql: str, args: tuple) -> int:
        """One change that followers must see: the statement, the version + 1, the class touched."""
        with self._lock:
            self._write((sql, args), ("UPDATE classes SET version = version + 1, touched = ? WHERE code = ?",
                                      (self.clock(), code)))
            version = self._read("SELECT version FROM classes WHERE code=?", (code,))[0][0]
            self._versions[code] = version
        return version

    def publish(self, code: str, key: str, page: str, params: dict, extra: dict | None = None) -> int:
        """The teacher's page, its address parameters and what else it shows; returns the new version."""
        code = self._teacher(code, key)
        return self._bump(code, "UPDATE classes SET page = ?, state_json = ?, extra_json = ? WHERE code = ?",
                          (page, json.dumps(params, sort_keys=True), json.dumps(extra or {}, sort_keys=True), code))

    def end(self, code: str, key: str) -> None:
        code = self._teacher(code, key)
        self._bump(code, "UPDATE classes SET ended = ? WHERE code = ?", (self.clock(), code))

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
                    self._versions.pop(code, None)
        return len(gone)

    def start_sweeping(self, every: float = SWEEP_EVERY_S) -> threading.Thread:
        """A daemon thread that sweeps every `every` seconds (once per store; the server's requests never wait)."""
        with self._lock:
            if self._sweeper is None:
                def loop():
                    while not self._closed.wait(every):
                        try:
                            self.sweep()
                        except sqlite3.Error:  # a locked or closed file: the next sweep tries again
                            continue

                self._sweeper = threading.Thread(target=loop, name="cnnlib-class-sweep", daemon=True)
                self._sweeper.start()
            return self._sweeper

    def version(self, code: str) -> int | None:
        """The class's version: a dict lookup (None for a code this store never saw)."""
        version = self._versions.get(code)
        if version is None:
            rows = self._read("SELECT version FROM classes WHERE code=?", (normal_code(code),))
            if not rows:
                return None
            version = self._versions[code] = rows[0][0]
        return version

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
        with self._lock:
            self._write(("DELETE FROM answers WHERE code=? AND qid=?", (code, qid)))
            self._bump(code, "INSERT INTO questions (code, qid, opened, revealed, answer) VALUES (?, ?, ?, NULL, NULL) "
                             "ON CONFLICT (code, qid) DO UPDATE SET opened = excluded.opened, revealed = NULL, answer = NULL",
                       (code, qid, self.clock()))

    def reveal(self, code: str, key: str, qid: str, answer: float, about: str = "") -> None:
        """The teacher shows the computed answer for the setting `about`; answering stops."""
        code = self._teacher(code, key)
        self._bump(code, "UPDATE questions SET revealed = ?, answer = ?, about = ? WHERE code = ? AND qid = ?",
                   (self.clock(), float(answer), about, code, qid))

    def question(self, code: str, qid: str) -> Question:
        rows = self._read("SELECT opened, revealed, answer, about FROM questions WHERE code=? AND qid=?",
                          (normal_code(code), qid))
        if not rows:
            return Question(qid, False, False, None)
        opened, revealed, answer, about = rows[0]
        return Question(qid, opened is not None, revealed is not None, answer, about or "")

    def answer(self, code: str, qid: str, session: str, value: float) -> None:
        """A student's answer (a new one replaces the session's earlier one); only while the question is open."""
        code = normal_code(code)
        self._row(code)
        with self._lock:
            asked = self.question(code, qid)
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


_STORES: dict[Path, ClassStore] = {}
_STORES_LOCK = threading.Lock()


def get_store(path: Path | str | None = None) -> ClassStore:
    """The process-wide store for `path` (default: classes.sqlite3 in the cache folder)."""
    path = Path(path) if path is not None else settings.cache_dir() / FILE_NAME
    with _STORES_LOCK:
        if path not in _STORES:
            _STORES[path] = ClassStore(path)
            _STORES[path].start_sweeping()
        return _STORES[path]
