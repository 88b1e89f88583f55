#!/usr/bin/env python3
# bench/system set-up only (bulk-seed.sh): links audit rows into the hash
# chain by the serialization of resources/sql/0003-audit-chain.sql, as
# link-chain.py does, but writes each whole row with its link, ready for
# COPY into audit_log: no UPDATE afterwards, so no dead rows.  Whether the
# serialization is right is what `audit verify` then says.
#
#   stdin:  COPY text of id, occurred_at (as the verifier formats it),
#           actor, table_name, row_id, action, old_row, new_row, txid,
#           in chain order
#   argv:   the chain head's position and hash (hex)
#   stdout: the same nine columns, then chain_seq, prev_hash, row_hash
#           (bytea, hex); the new head on stderr
import hashlib
import sys

UNESCAPE = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def copy_value(text):
    """The value COPY's text format stands for (only the escapes our rows use)."""
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in UNESCAPE:
            out.append(UNESCAPE[pair])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def main():
    seq = int(sys.argv[1])
    prev = bytes.fromhex(sys.argv[2])
    write = sys.stdout.write
    sha256 = hashlib.sha256
    for line in sys.stdin:
        line = line.rstrip("\n")
        fields = line.split("\t")
        seq += 1
        parts = ["custodian-audit-v1\n", f"{len(str(seq))}:{seq}\n"]
        for value in fields:
            if value == "\\N":
                parts.append("-\n")
            else:
                raw = copy_value(value).encode()
                parts.append(f"{len(raw)}:")
                parts.append(raw.decode())
                parts.append("\n")
        digest = sha256(prev + "".join(parts).encode()).digest()
        write(f"{line}\t{seq}\t\\\\x{prev.hex()}\t\\\\x{digest.hex()}\n")
        prev = digest
    print(f"{seq} {prev.hex()}", file=sys.stderr)


main()
