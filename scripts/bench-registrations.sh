#!/usr/bin/env bash
# Registration list import (issue 5: 100,000 rows ≤ 10 s with a per-row report). The demo epidemiologist posts a
# company's list as CSV twice — first everyone is new, then the same people are found again — and curl's wall time
# is the figure. Beside it, in the same run, the reference: the same rows written by Python's sqlite3 straight into
# the same tables (schema and indexes copied from the server's own database, the server's pragmas, one
# transaction) — what those rows cost SQLite itself, with no parsing, checking, report or HTTP.
# Usage: scripts/bench-registrations.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
source scripts/bench-lib.sh
build_binaries
start_servers 18185 18186 "sqlite://$DIR/bench.sqlite"
TOKEN=$(demo_token 18185 demo-epidemiologist)

# Deterministic list: Vietnamese names, 12-digit ID numbers, phones, birth years, Biên Hòa communes.
python3 - "$ROWS" >"$DIR/list.csv" <<'EOF'
import random, sys
rows = int(sys.argv[1]); rng = random.Random(5)
family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]; middle = ["Văn", "Thị", "Minh", "Ngọc", "Hữu"]
given = ["An", "Bình", "Châu", "Dũng", "Hà", "Khánh", "Lan", "Phúc", "Quân", "Thảo", "Trang", "Yến"]
communes = ["25993", "25996", "26005", "26008", "26011"]
print("full_name,id_number,phone,birth_year,commune_code")
for i in range(rows):
    print("%s %s %s,0751%08d,09%08d,%d,%s" % (rng.choice(family), rng.choice(middle), rng.choice(given), i, i, rng.randint(1940, 2015), rng.choice(communes)))
EOF
echo "list: $ROWS rows, $(du -h "$DIR/list.csv" | cut -f1)"

for run in first second; do
  seconds=$(curl -fsS -o "$DIR/report-$run.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' \
    --data-binary @"$DIR/list.csv" "http://127.0.0.1:18185/api/v1/test-registrations/import?reason=work")
  accepted=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["accepted"], len(r["rows"]))' "$DIR/report-$run.json")
  echo "sentinel $run import: ${seconds} s (accepted, report rows: $accepted)"
done

# The reference, on the same machine in the same run.
python3 - "$DIR/bench.sqlite" "$DIR/list.csv" "$DIR/reference.sqlite" <<'EOF'
import csv, re, secrets, sqlite3, sys, time
source, listing, target = sys.argv[1:4]
schema = [row[0] for row in sqlite3.connect(source).execute(
    "SELECT sql FROM sqlite_master WHERE tbl_name IN ('persons', 'test_registrations') AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC")]
db = sqlite3.connect(target, isolation_level=None)
for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
    db.execute("PRAGMA " + pragma)
for statement in schema:
    db.execute(re.sub(r"REFERENCES \w+ \(\w+\)", "", statement))  # the other tables are not copied
rows = list(csv.DictReader(open(listing, encoding="utf-8")))
start = time.perf_counter()
db.execute("BEGIN")
now = "2026-12-02 00:00:00"
for n, r in enumerate(rows):
    cur = db.execute("INSERT INTO persons (full_name, name_folded, id_number, phone, birth_year, commune_code, qr_token, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (r["full_name"], r["full_name"].lower(), r["id_number"], r["phone"], int(r["birth_year"]), r["commune_code"],
                      secrets.token_urlsafe(16), now, now))
    db.execute("INSERT INTO test_registrations (code, person_id, reason, commune_code, source, created_at, created_by) VALUES (?, ?, 'work', ?, 'import', ?, 1)",
               ("R%07d" % n, cur.lastrowid, r["commune_code"], now))
db.execute("COMMIT")
print("reference (python sqlite3, same tables and indexes, one transaction): %.2f s" % (time.perf_counter() - start))
EOF
