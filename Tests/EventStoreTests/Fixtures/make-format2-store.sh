#!/usr/bin/env bash
# Writes format2-store.mdb: a small store written by coachlogd at commit
# ce88b84 (store format 2, projection version 2, enum positions on disk), and
# format2-events.jsonl: that daemon's `read` reply line for the whole log.
# Kept so that the fixture can be regenerated and reviewed; the test uses the
# committed files, never this script.
#
#   git worktree add /tmp/old ce88b84 && (cd /tmp/old && swift build --product coachlogd)
#   Tests/EventStoreTests/Fixtures/make-format2-store.sh /tmp/old/.build/debug/coachlogd
set -euo pipefail
daemon=${1:?usage: $0 PATH-TO-ce88b84-coachlogd}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$daemon" --data "$work/data" --socket "$work/s.sock" --initial-map-bytes 65536 &
pid=$!
for _ in $(seq 100); do [ -S "$work/s.sock" ] && break; sleep 0.1; done
send() { { printf '%s' "$1" | tr -d '\n'; printf '\n'; } | socat -t 5 - "UNIX-CONNECT:$work/s.sock"; }
# José is spelled with é as one scalar (U+00E9).
jose=$'Jos\u00e9'
send '{"id":1,"op":"append","events":[
 {"type":"SessionOpened","eventId":"fx-01","data":{"sessionId":"s-dana-1","salesperson":"dana","coach":"lee","at":"2026-09-07T09:00:00Z","topics":["selfConcept","personalGoals"]}},
 {"type":"GoalStated","eventId":"fx-02","data":{"goalId":"g-dana-1","sessionId":"s-dana-1","salesperson":"dana","text":"Lead the team","area":"career","at":"2026-09-07T09:05:00Z"}},
 {"type":"CommitmentMade","eventId":"fx-03","data":{"commitmentId":"c-dana-1","sessionId":"s-dana-1","salesperson":"dana","kind":"more","text":"Call ten lapsed customers","due":"2026-09-14","goalId":"g-dana-1","at":"2026-09-07T09:10:00Z"}},
 {"type":"CommitmentMade","eventId":"fx-04","data":{"commitmentId":"c-dana-2","sessionId":"s-dana-1","salesperson":"dana","kind":"better","text":"Prepare each call","due":"2026-09-14","at":"2026-09-07T09:12:00Z"}},
 {"type":"CommitmentMade","eventId":"fx-05","data":{"commitmentId":"c-dana-3","sessionId":"s-dana-1","salesperson":"dana","kind":"different","text":"Block Friday mornings","due":"2026-09-14","at":"2026-09-07T09:14:00Z"}},
 {"type":"InsightNoted","eventId":"fx-06","data":{"sessionId":"s-dana-1","salesperson":"dana","topic":"identityRole","text":"Sees herself as a mentor","at":"2026-09-07T09:20:00Z"}},
 {"type":"SessionClosed","eventId":"fx-07","data":{"sessionId":"s-dana-1","salesperson":"dana","at":"2026-09-07T10:00:00Z"}}]}'
send "{\"id\":2,\"op\":\"append\",\"events\":[{\"type\":\"SessionOpened\",\"eventId\":\"fx-08\",\"data\":{\"sessionId\":\"s-jose-1\",\"salesperson\":\"$jose\",\"coach\":\"kim\",\"at\":\"2026-09-08T09:00:00Z\",\"topics\":[\"behavioralReflection\",\"identityRole\"]}},{\"type\":\"CommitmentMade\",\"eventId\":\"fx-09\",\"data\":{\"commitmentId\":\"c-jose-1\",\"sessionId\":\"s-jose-1\",\"salesperson\":\"$jose\",\"kind\":\"different\",\"text\":\"Résumé every call in the CRM\",\"due\":\"2026-09-15\",\"at\":\"2026-09-08T09:10:00Z\"}},{\"type\":\"InsightNoted\",\"eventId\":\"fx-10\",\"data\":{\"sessionId\":\"s-jose-1\",\"salesperson\":\"$jose\",\"topic\":\"behavioralReflection\",\"text\":\"Rushes the close\",\"at\":\"2026-09-08T09:20:00Z\"}},{\"type\":\"SessionClosed\",\"eventId\":\"fx-11\",\"data\":{\"sessionId\":\"s-jose-1\",\"salesperson\":\"$jose\",\"at\":\"2026-09-08T10:00:00Z\"}}]}"
send '{"id":3,"op":"append","events":[
 {"type":"SessionOpened","eventId":"fx-12","data":{"sessionId":"s-dana-2","salesperson":"dana","coach":"lee","at":"2026-09-14T09:00:00Z"}},
 {"type":"CommitmentReviewed","eventId":"fx-13","data":{"commitmentId":"c-dana-1","sessionId":"s-dana-2","salesperson":"dana","outcome":"kept","note":"Twelve calls","at":"2026-09-14T09:05:00Z"}},
 {"type":"CommitmentReviewed","eventId":"fx-14","data":{"commitmentId":"c-dana-2","sessionId":"s-dana-2","salesperson":"dana","outcome":"partial","at":"2026-09-14T09:06:00Z"}},
 {"type":"CommitmentReviewed","eventId":"fx-15","data":{"commitmentId":"c-dana-3","sessionId":"s-dana-2","salesperson":"dana","outcome":"missed","at":"2026-09-14T09:07:00Z"}},
 {"type":"InsightNoted","eventId":"fx-16","data":{"sessionId":"s-dana-2","salesperson":"dana","topic":"selfConcept","text":"Proud of the streak"}}]}'
send "{\"id\":4,\"op\":\"append\",\"events\":[{\"type\":\"SessionOpened\",\"eventId\":\"fx-17\",\"data\":{\"sessionId\":\"s-jose-2\",\"salesperson\":\"$jose\",\"coach\":\"kim\",\"at\":\"2026-09-15T09:00:00Z\"}},{\"type\":\"CommitmentReviewed\",\"eventId\":\"fx-18\",\"data\":{\"commitmentId\":\"c-jose-1\",\"sessionId\":\"s-jose-2\",\"salesperson\":\"$jose\",\"outcome\":\"kept\",\"at\":\"2026-09-15T09:05:00Z\"}},{\"type\":\"InsightNoted\",\"eventId\":\"fx-19\",\"data\":{\"sessionId\":\"s-jose-2\",\"salesperson\":\"$jose\",\"topic\":\"personalGoals\",\"text\":\"Wants to coach others\",\"at\":\"2026-09-15T09:20:00Z\"}}]}"
send '{"id":5,"op":"read","after":0,"limit":100}' > "$here/format2-events.jsonl"
kill -TERM "$pid"
wait "$pid" || true
# A compacted copy: the smallest file holding the same store.
rm -f "$here/format2-store.mdb"
mdb_copy -n -c "$work/data/coachlog.mdb" "$here/format2-store.mdb"
ls -l "$here/format2-store.mdb" "$here/format2-events.jsonl"
