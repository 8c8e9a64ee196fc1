#!/usr/bin/env python3
"""The raw insert rate a check-in benchmark is compared with (issue 3): the same kind of rows, into the same
`checkins` table with the same indexes, in the same SQLite database, with the server's pragmas, 1,000 rows a
transaction — and nothing else (no HTTP, no JSON, no person resolution, no counts).

Rows are drawn like scripts/checkins.lua draws events: a random UUID, one of the database's approved venues, one of
its people, a check-in time spread over 20 days (so every index but the rowid is written in random order).

Usage: checkin_raw_reference.py DATABASE.sqlite [rows, default 200000]
Prints one line: rows/s, and how many rows the table held before.
"""
import random
import sqlite3
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone


def main() -> None:
    path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    db = sqlite3.connect(path, isolation_level=None)
    # The server's pragmas (Sources/Storage/Database.swift).
    for pragma in ("journal_mode = WAL", "busy_timeout = 5000", "foreign_keys = ON", "synchronous = NORMAL",
                   "mmap_size = 17179869184", "cache_size = -65536"):
        db.execute("PRAGMA " + pragma)
    venues = [(v, c) for v, c in db.execute("SELECT id, commune_code FROM venues WHERE status = 'approved'")]
    people = [p for (p,) in db.execute("SELECT id FROM persons")]
    if not venues or not people:
        sys.exit("the database has no approved venues or no people")
    # Not seeded: the same seed on the same file would draw event ids already stored, and time conflicts instead.
    rng = random.Random()
    now = datetime.now(timezone.utc)

    def stamp(moment: datetime) -> float:
        # As the server stores instants on SQLite (sqlite-nio: seconds since 1970 as a REAL).
        return moment.timestamp()

    def row():
        venue, commune = rng.choice(venues)
        at = now - timedelta(seconds=rng.randint(60, 20 * 86400))
        return (str(uuid.UUID(int=rng.getrandbits(128), version=4)), venue, rng.choice(people), commune, stamp(at), None,
                stamp(now))

    before = db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0]
    batches = [[row() for _ in range(1000)] for _ in range(total // 1000)]
    started = time.perf_counter()
    for batch in batches:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO checkins (event_id, venue_id, person_id, commune_code, checked_in_at, checked_out_at, "
                       "received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING", batch)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    inserted = db.execute("SELECT COUNT(*) FROM checkins").fetchone()[0] - before
    if inserted != len(batches) * 1000:
        sys.exit(f"only {inserted} of {len(batches) * 1000} rows were new: the rate would not be an insert rate")
    print(f"{inserted / elapsed:.0f} (into {before:,} rows)")


if __name__ == "__main__":
    main()
