#!/usr/bin/env python3
# bench/system set-up only: links audit rows into the hash chain by the
# serialization of resources/sql/0003-audit-chain.sql, the way
# audit_chain_link_pending() would, but in one pass outside the server
# (the PL/pgSQL loop links ~1,300 rows/s on this machine; this ~100,000).
# Whether it got the serialization right is what the verifier under test
# then says: a wrong byte and "audit verify" fails on the first row.
#
#   stdin:  COPY text of id, occurred_at (as the verifier formats it),
#           actor, table_name, row_id, action, old_row, new_row, txid,
#           in link order (by id)
#   argv:   the chain head's position and hash (hex)
#   stdout: COPY text of id, chain_seq, prev_hash (hex), row_hash (hex);
#           the new head on stderr
import hashlib
import sys

seq = int(sys.argv[1])
prev = bytes.fromhex(sys.argv[2])
out = sys.stdout
for line in sys.stdin:
    fields = line.rstrip("\n").split("\t")
    seq += 1
    payload = ["custodian-audit-v1\n"]
    for value in [str(seq)] + fields:
        if value == "\\N":
            payload.append("-\n")
        else:
            raw = value.encode()
            payload.append(f"{len(raw)}:{value}\n")
    digest = hashlib.sha256(prev + "".join(payload).encode()).digest()
    out.write(f"{fields[0]}\t{seq}\t{prev.hex()}\t{digest.hex()}\n")
    prev = digest
print(f"{seq} {prev.hex()}", file=sys.stderr)
