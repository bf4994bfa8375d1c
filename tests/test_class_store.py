"""services.class_store: codes, keys, expiry, questions and answers, restart survival, concurrent answers, on
SQLite and on PostgreSQL (``class_db``: every test that takes it runs on both; conftest marks the PostgreSQL ones);
the schema's migration; the listener that carries changes across replicas, and a database that is away."""

from __future__ import annotations

import math
import queue
import threading

import pytest

from services import class_store
from services.class_store import ALPHABET, CODE_LENGTH, ClassError, ClassStore, ClassStoreDown, normal_code
from words import words


class Clock:
    """An injected clock: tests move time forward instead of sleeping."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
def class_db(request, tmp_path):
    """Where a test's classes live: a SQLite file, or a fresh database in the session's PostgreSQL."""
    if request.param == "sqlite":
        return tmp_path / "classes.sqlite3"
    return request.getfixturevalue("pg_database")


@pytest.fixture
def store(class_db, clock):
    s = ClassStore(class_db, hours=4, clock=clock)
    yield s
    s.close()


def test_codes_are_readable_aloud_in_two_groups_and_unique(store):
    assert not set(ALPHABET) & set("0OQ1IL2Z5S6G8BUV")  # look-alikes and sound-alikes left out
    assert CODE_LENGTH == 8 and len(ALPHABET) ** CODE_LENGTH >= 2.5e10
    codes = [store.create()[0] for _ in range(300)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert class_store.spoken("acdefhjk") == "ACDE FHJK" and normal_code("ACDE FHJK") == "ACDEFHJK"


def test_guessing_a_live_code_is_bounded_per_session_and_per_server(store, clock):
    """Issue 17: codes could be guessed at ~33 a second with no limit. Only unknown codes count."""
    code, _ = store.create()
    for _ in range(class_store.SESSION_FREE_TRIES):
        with pytest.raises(ClassError) as info:
            store.find("ACDEACDE", "guesser")
        assert info.value.code == "unknown"
    with pytest.raises(ClassError) as info:
        store.find(code, "guesser")  # even the right code waits: a guess is a guess
    assert info.value.code == "slow_down" and info.value.params["seconds"] == class_store.SESSION_WAIT_S
    assert store.find(code, "a student").code == code  # another session is not slowed by this one
    clock.now += class_store.SESSION_WAIT_S
    assert store.find(code, "guesser").code == code
    # many sessions together: the server's bucket (30) runs dry, and refills at 10 a minute
    for n in range(class_store.SERVER_TRIES):
        with pytest.raises(ClassError):
            store.find("ACDEACDE", f"bot {n}")
    with pytest.raises(ClassError) as info:
        store.find(code, "a late student")
    assert info.value.code == "slow_down" and 0 < info.value.params["seconds"] <= 6
    clock.now += 6
    assert store.find(code, "a late student").code == code
    assert "30" in words(ClassError("slow_down", seconds=30), "en") and "30" in words(ClassError("slow_down", seconds=30), "ko")


def test_the_sweep_deletes_ended_and_expired_classes_with_their_answers(store, clock):
    live, live_key = store.create()
    ended, ended_key = store.create()
    idle, _ = store.create()
    for code in (live, ended, idle):
        store.join(code, "student-1")
    store.open_question(ended, ended_key, "q")
    store.answer(ended, "q", "student-1", 3)
    store.end(ended, ended_key)
    clock.now += 3 * 3600
    store.join(live, "student-1")  # touched: still live
    clock.now += 2 * 3600  # idle is now 5 hours untouched: past its 4
    assert store.sweep() == 2
    assert store.check(live).code == live
    for table in ("classes", "members", "questions", "answers"):
        codes = {row[0] for row in store._read(f"SELECT code FROM {table}")}
        assert codes <= {live}, table
    assert store.version(ended) is None and store.sweep() == 0


def test_the_sweep_runs_by_itself(class_db, clock):
    s = ClassStore(class_db, hours=4, clock=clock)
    code, key = s.create()
    s.end(code, key)
    sweeper = s.start_sweeping(every=0.01)
    assert s.start_sweeping() is sweeper  # one per store
    deadline = threading.Event()
    for _ in range(500):  # wait for the condition, not for a fixed time
        if not s._read("SELECT 1 FROM classes"):
            break
        deadline.wait(0.01)
    assert not s._read("SELECT 1 FROM classes")
    s.close()
    sweeper.join(5)
    assert not sweeper.is_alive()


def test_the_teachers_view_beyond_the_address_is_published(store):
    code, key = store.create()
    store.publish(code, key, "convolution-arithmetic", {"pad": "same"}, {"cell": 4, "playing": False})
    state = store.check(code)
    assert (state.params, state.extra) == ({"pad": "same"}, {"cell": 4, "playing": False})


def old_database(class_db, clock) -> None:
    """A database as the app wrote it before the teacher's view had more than the address, and before
    students had ids and reveals a setting: no schema_version, three columns fewer."""
    schema = (class_store.SCHEMA.replace(", extra_json TEXT NOT NULL DEFAULT '{}'", "")
              .replace(",\n    last_seen REAL NOT NULL, student TEXT,", ",\n    last_seen REAL NOT NULL,")
              .replace(",\n    answer REAL, about TEXT NOT NULL DEFAULT '',", ",\n    answer REAL,"))
    assert schema.count("student") == schema.count("about") == schema.count("extra_json") == 0
    insert = f"INSERT INTO classes (code, key_hash, created, touched) VALUES ('ACDEFHJK', 'x', {clock.now}, {clock.now})"
    if isinstance(class_db, str):
        import psycopg

        with psycopg.connect(class_db, autocommit=True) as db:
            db.execute(schema.replace(" REAL", " DOUBLE PRECISION"))
            db.execute(insert)
    else:
        import sqlite3

        db = sqlite3.connect(class_db)
        db.executescript(schema)
        db.execute(insert)
        db.commit()
        db.close()


def test_a_database_from_before_the_schema_version_is_migrated(class_db, clock):
    old_database(class_db, clock)
    s = ClassStore(class_db, hours=4, clock=clock)
    assert s.check("ACDEFHJK").extra == {}
    assert s._read("SELECT version FROM schema_version") == [(class_store.SCHEMA_VERSION,)]
    s.join("ACDEFHJK", "tab", student="student-1")
    s.close()
    again = ClassStore(class_db, hours=4, clock=clock)  # migrated once: the next start finds it current
    assert again._read("SELECT version FROM schema_version") == [(class_store.SCHEMA_VERSION,)]
    assert again.joined("ACDEFHJK") == 1
    again.close()


def test_new_code_skips_taken_codes():
    taken = set()
    for _ in range(50):
        taken.add(class_store.new_code(taken.__contains__))
    assert len(taken) == 50


def test_a_typed_code_is_normalised():
    assert normal_code(" ab c-d7 ") == "ABCD7"


def test_keys_are_long_secret_and_stored_hashed(store):
    code, key = store.create()
    assert len(key) * 6 >= 128 * 1.5  # token_urlsafe(32): 43 characters of 6 bits (256 bits)
    assert store.is_teacher(code, key)
    assert not store.is_teacher(code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert not store.is_teacher(code, "") and not store.is_teacher(code, None)
    assert store._read("SELECT key_hash FROM classes") == [(class_store.key_hash(key),)]  # only the hash is kept
    if store.path is not None:
        assert key.encode() not in store.path.read_bytes()
    other, other_key = store.create()
    assert not store.is_teacher(code, other_key)  # one class's key does not open another


def test_keys_are_compared_in_constant_time(store, monkeypatch):
    seen = []
    real = class_store.hmac.compare_digest
    monkeypatch.setattr(class_store.hmac, "compare_digest", lambda a, b: seen.append((a, b)) or real(a, b))
    code, key = store.create()
    assert store.is_teacher(code, key) and not store.is_teacher(code, "guess")
    assert len(seen) == 2


def test_only_the_key_changes_the_class(store):
    code, key = store.create()
    for change in (lambda k: store.publish(code, k, "max-pooling", {}), lambda k: store.open_question(code, k, "q"),
                   lambda k: store.reveal(code, k, "q", 1), lambda k: store.end(code, k)):
        with pytest.raises(ClassError) as info:
            change("not the key")
        assert info.value.code == "not_teacher"
    assert store.check(code).version == 0


def test_publish_and_read_the_teachers_state(store):
    code, key = store.create()
    assert store.version(code) == 0
    v = store.publish(code, key, "convolution-arithmetic", {"stride": "2", "w": "0,0,0,0,1,0,0,0,0"})
    assert v == 1 == store.version(code)
    state = store.check(code.lower())  # a typed code in lower case is the same class
    assert (state.page, state.params, state.version) == ("convolution-arithmetic", {"stride": "2", "w": "0,0,0,0,1,0,0,0,0"}, 1)
    assert store.last_read(code) == state  # what this process read last, without asking the database
    store.publish(code, key, "max-pooling", {})
    assert store.last_read(code) == state  # a publication is not a read: the followers were not given it yet
    assert store.version(code) == 2 and store.check(code).page == "max-pooling"
    assert store.last_read(code).page == "max-pooling" and store.last_read("ACDEFHJK") is None  # one never read


def test_unknown_expired_and_ended_classes_are_coded_errors_with_words(store, clock):
    with pytest.raises(ClassError) as info:
        store.check("XXXXX")
    assert info.value.code == "unknown" and store.version("XXXXX") is None
    code, key = store.create()
    clock.now += 4 * 3600 - 1
    store.check(code)  # idle just under the limit: still there
    store.join(code, "s1")  # …and a member's visit touches it
    clock.now += 4 * 3600 - 1
    store.check(code)
    clock.now += 2
    with pytest.raises(ClassError) as info:
        store.check(code)
    assert info.value.code == "expired" and info.value.params == {"code": code, "hours": 4}
    assert not store.is_teacher(code, key)
    fresh, fresh_key = store.create()
    store.end(fresh, fresh_key)
    with pytest.raises(ClassError) as info:
        store.join(fresh, "s1")
    assert info.value.code == "ended"
    for err in (ClassError("unknown", code="AB"), ClassError("expired", code="AB", hours=4)):
        assert "AB" in words(err, "ko") and "AB" in words(err, "en")


def test_members_count_live_students(store, clock):
    code, _ = store.create()
    store.join(code, "teacher", role="teacher")
    store.join(code, "a")
    store.join(code, "b")
    assert store.joined(code) == 2
    clock.now += 60
    store.join(code, "a")  # a polls on; b closed the tab
    clock.now += 60
    assert store.joined(code, within=90) == 1
    assert sorted(store.members(code)) == ["a", "b", "teacher"]


def test_answers_replace_and_the_histogram_is_anonymous(store):
    code, key = store.create()
    with pytest.raises(ClassError) as info:
        store.answer(code, "arith.size", "a", 6)  # not asked yet
    assert info.value.code == "not_open"
    store.open_question(code, key, "arith.size")
    assert store.question(code, "arith.size") == class_store.Question("arith.size", True, False, None)
    for session, value in [("a", 6), ("b", 6), ("c", 8), ("a", 7), ("d", 6.4)]:
        store.answer(code, "arith.size", session, value)
    assert store.histogram(code, "arith.size") == [(6, 2), (7, 1), (8, 1)]  # a's 6 was replaced by 7; 6.4 rounds to 6
    assert store.histogram(code, "arith.size", digits=1) == [(6.0, 1), (6.4, 1), (7.0, 1), (8.0, 1)]
    assert store.my_answer(code, "arith.size", "a") == 7
    store.reveal(code, key, "arith.size", 6)
    assert store.question(code, "arith.size") == class_store.Question("arith.size", True, True, 6.0)
    with pytest.raises(ClassError):
        store.answer(code, "arith.size", "e", 5)  # after the reveal: closed
    store.open_question(code, key, "arith.size")  # asked again: a new round
    assert store.histogram(code, "arith.size") == [] and not store.question(code, "arith.size").revealed


def test_versions_move_on_every_change_followers_must_see(store):
    code, key = store.create()
    seen = [store.version(code)]
    store.publish(code, key, "max-pooling", {})
    seen.append(store.version(code))
    store.open_question(code, key, "q")
    seen.append(store.version(code))
    store.reveal(code, key, "q", 3)
    seen.append(store.version(code))
    store.end(code, key)
    seen.append(store.version(code))
    assert seen == sorted(set(seen)) and len(seen) == 5


def test_forty_followers_read_each_change_from_the_database_once(store, clock, monkeypatch):
    """Issue 17: after a teacher's change every follower's run reads the class and its questions. The database is
    read once per change, however many followers ask (on PostgreSQL while the listener hears every change); a
    class idle past its hours is still the database's to decide (a visit touches it without a new version)."""
    if store.url:
        store.listen(lambda *change: None)
        assert store.listening.wait(30)
    code, key = store.create()
    reads: list[str] = []
    real = store._read
    monkeypatch.setattr(store, "_read", lambda sql, args=(): reads.append(sql) or real(sql, args))

    def followers_read() -> tuple:
        start = len(reads)
        seen = [(store.check(code), store.question(code, "q")) for _ in range(40)]
        assert all(one == seen[0] for one in seen)
        return (*seen[0], len(reads) - start)

    store.publish(code, key, "max-pooling", {"k": "2"})
    state, q, n = followers_read()
    assert state.params == {"k": "2"} and not q.opened and n == 2
    store.open_question(code, key, "q")
    state, q, n = followers_read()
    assert q.opened and not q.revealed and state.version == store.version(code) and n == 2
    store.answer(code, "q", "s1", 3)  # an answer is no change followers see: nothing read again
    assert followers_read()[2] == 0
    store.reveal(code, key, "q", 3)
    state, q, n = followers_read()
    assert q.revealed and q.answer == 3 and n == 2
    clock.now += 4 * 3600 + 1
    with pytest.raises(ClassError) as info:
        store.check(code)
    assert info.value.code == "expired"


def test_a_restart_keeps_classes_state_and_answers(class_db, clock):
    first = ClassStore(class_db, hours=4, clock=clock)
    code, key = first.create()
    first.publish(code, key, "convolution-arithmetic", {"pad": "same"})
    first.open_question(code, key, "arith.y20")
    first.answer(code, "arith.y20", "a", 2.5)
    first.join(code, "a")
    first.close()
    second = ClassStore(class_db, hours=4, clock=clock)  # the server restarted
    assert second.version(code) == 2
    state = second.check(code)
    assert (state.page, state.params) == ("convolution-arithmetic", {"pad": "same"})
    assert second.is_teacher(code, key)
    assert second.histogram(code, "arith.y20", digits=1) == [(2.5, 1)]
    assert second.joined(code) == 1
    second.answer(code, "arith.y20", "b", 3)  # the question is still open
    assert len(second.histogram(code, "arith.y20", digits=1)) == 2
    second.close()


def test_forty_students_answer_at_once(store):
    code, key = store.create()
    store.open_question(code, key, "lab.params")
    start = threading.Barrier(40)
    errors = []

    def student(i: int) -> None:
        try:
            start.wait()
            store.join(code, f"s{i}")
            store.answer(code, "lab.params", f"s{i}", i % 4)
            store.answer(code, "lab.params", f"s{i}", 100 + i % 4)  # changed their mind
        except Exception as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.histogram(code, "lab.params") == [(100, 10), (101, 10), (102, 10), (103, 10)]
    assert store.joined(code) == 40


def test_two_stores_on_one_database_write_safely(class_db, clock):
    """Two server processes' worth of connections on one database (SQLite: WAL and the busy timeout serialise them)."""
    a, b = ClassStore(class_db, hours=4, clock=clock), ClassStore(class_db, hours=4, clock=clock)
    code, key = a.create()
    a.open_question(code, key, "q")
    threads = [threading.Thread(target=lambda s=s, i=i: s.answer(code, "q", f"s{i}", i)) for i in range(20)
               for s in [(a, b)[i % 2]]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(n for _, n in b.histogram(code, "q")) == 20
    assert a.publish(code, key, "max-pooling", {}) == 2 and b.version(code) == 2 and b.check(code).page == "max-pooling"
    if b.path is not None:
        assert b._read("PRAGMA journal_mode")[0][0] == "wal"
    a.close()
    b.close()


def test_get_store_uses_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLIB_CACHE_DIR", str(tmp_path / "cache"))
    store = class_store.get_store()
    assert store.path == tmp_path / "cache" / class_store.FILE_NAME and class_store.get_store() is store
    assert math.isclose(store.hours, 4) and store.url is None and store.listen(print) is None  # one process: nothing to hear
    monkeypatch.chdir(tmp_path)
    named = ClassStore("postgres.sqlite3", hours=4)
    assert named.url is None and named.path.name == "postgres.sqlite3"  # a file's name is not an address
    named.close()


def test_get_store_uses_the_class_database_setting(monkeypatch, pg_database):
    monkeypatch.setenv("CNNLIB_CLASS_DB", pg_database)
    store = class_store.get_store()
    assert store.url == pg_database and store.path is None and class_store.get_store() is store
    code, _ = store.create()
    assert store.check(code).version == 0
    class_store._STORES.pop(pg_database).close()


# ---- across replicas (PostgreSQL) ---------------------------------------------------------------------


def heard(changes: queue.Queue, what: str) -> tuple:
    """The next change the listener reported that is `what` (waits for it; a failing test fails after 30 s)."""
    while True:
        change = changes.get(timeout=30)
        if change[2] == what:
            return change


def test_every_change_followers_must_see_reaches_the_other_replicas(pg_database, clock):
    teacher_side, student_side = (ClassStore(pg_database, hours=4, clock=clock) for _ in range(2))
    changes: queue.Queue = queue.Queue()
    mine: queue.Queue = queue.Queue()
    student_side.listen(lambda *change: changes.put(change))
    teacher_side.listen(lambda *change: mine.put(change))
    for side in (student_side, teacher_side):
        assert side.listening.wait(30)
    code, key = teacher_side.create()
    assert student_side.version(code) == 0
    assert student_side.check(code).params == {} and not student_side.question(code, "q").opened  # read, kept
    teacher_side.publish(code, key, "max-pooling", {"k": "2"})
    assert heard(changes, "publish") == (code, 1, "publish") and student_side.version(code) == 1
    assert student_side.check(code).params == {"k": "2"}  # what the student side kept was for version 0
    teacher_side.open_question(code, key, "q")
    assert heard(changes, "ask") == (code, 2, "ask") and student_side.question(code, "q").opened
    teacher_side.reveal(code, key, "q", 3)
    assert heard(changes, "reveal") == (code, 3, "reveal") and student_side.question(code, "q").revealed
    teacher_side.end(code, key)
    assert heard(changes, "end") == (code, 4, "end")
    with pytest.raises(ClassError):
        student_side.check(code)
    assert all(change[2] == "catch_up" for change in list(mine.queue))  # a store's own changes: its caller nudged already
    teacher_side.close()
    student_side.close()
    assert not student_side._listener.is_alive() and changes.empty()  # closing is not the database going away


@pytest.mark.slow  # a PostgreSQL restart
def test_the_listener_reconnects_after_a_database_restart_and_followers_catch_up(pg_cluster, pg_database, clock,
                                                                                 monkeypatch):
    monkeypatch.setattr(class_store, "DOWN_S", 0.0)  # every call tries (the teacher's replica below has no listener)
    teacher_side, student_side = (ClassStore(pg_database, hours=4, clock=clock) for _ in range(2))
    changes: queue.Queue = queue.Queue()
    student_side.listen(lambda *change: changes.put(change))
    assert student_side.listening.wait(30)
    code, key = teacher_side.create()
    student_side.check(code)  # a follower on the student's replica knows the class
    pg_cluster.down()
    assert heard(changes, "down") == (code, None, "down") and student_side.away.is_set()
    asked = student_side._pool.get_stats().get("requests_num", 0)
    with pytest.raises(ClassStoreDown) as info:
        student_side.check(code)  # at once: the listener says the database is away, so the pool is not asked
    assert info.value.code == "unreachable" and words(info.value, "ko") != words(info.value, "en")
    assert student_side._pool.get_stats().get("requests_num", 0) == asked
    # the teacher's replica has no listener here: its pool tries, and its retries of the lost connection run out
    # (psycopg_pool's default: waits that double, 1, 2, 4, 8 s …, for 5 minutes: after an 8 s outage a page's first
    # class call worked about 6 s after the database was back, and a catch-up read through the pool was lost:
    # bench/class_outage.py)
    with pytest.raises(ClassStoreDown):
        teacher_side.publish(code, key, "lenet-5", {})
    assert teacher_side.pool_gave_up.wait(30)
    pg_cluster.up()
    caught = heard(changes, "catch_up")  # nothing published since: the listener read the versions itself
    assert caught[0] == code and not student_side.away.is_set()
    student_side.join(code, "late-student")  # the student's pool was renewed when the listener was back
    assert student_side.joined(code) == 1
    teacher_side.publish(code, key, "max-pooling", {})  # and the teacher's tries again at once
    assert heard(changes, "publish") == (code, 1, "publish") and student_side.version(code) == 1
    teacher_side.publish(code, key, "convolution-arithmetic", {})
    assert heard(changes, "publish") == (code, 2, "publish")
    teacher_side.close()
    student_side.close()


def test_an_unreachable_database_is_a_coded_message_and_get_store_tries_again(monkeypatch):
    from tests.pghelp import free_port

    monkeypatch.setattr(class_store, "CONNECT_TIMEOUT_S", 0.5)  # each try waits this long (a page: 3 s)
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(ClassStoreDown) as info:
        ClassStore(url, hours=4)
    assert info.value.key == "class_errors.unreachable"
    assert all(words(info.value, lang) for lang in ("ko", "en"))
    monkeypatch.setenv("CNNLIB_CLASS_DB", url)
    tried = []
    monkeypatch.setattr(class_store, "ClassStore", lambda where: tried.append(where) or ClassStore(where, hours=4))
    for _ in range(2):  # the first call tries; the next within DOWN_S fails at once, without waiting again
        with pytest.raises(ClassStoreDown):
            class_store.get_store()
    assert tried == [url] and url not in class_store._STORES
    monkeypatch.setitem(class_store._FAILED, url, 0.0)  # DOWN_S later: nothing kept, it tries again
    with pytest.raises(ClassStoreDown):
        class_store.get_store()
    assert tried == [url, url]


def test_a_failing_statement_is_not_an_unreachable_database(pg_database):
    import psycopg

    s = ClassStore(pg_database, hours=4)
    with pytest.raises(psycopg.errors.UndefinedTable):
        s._read("SELECT 1 FROM no_such_table")
    assert s.dialect.unreachable(psycopg.OperationalError("connection refused"))  # no sqlstate: no connection
    assert not s.dialect.unreachable(psycopg.errors.DeadlockDetected())
    assert s._read("SELECT COUNT(*) FROM classes") == [(0,)]  # and the store goes on
    s.close()
