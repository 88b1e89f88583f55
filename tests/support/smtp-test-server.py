#!/usr/bin/python3
"""A real SMTP server for the delivery tests (aiosmtpd, Debian's
python3-aiosmtpd): STARTTLS required, with a self-signed certificate for
localhost made here by openssl; optionally a login; optionally refusing
every recipient.  Each message received is kept as DIR/msg-N.eml, and
what the tests compare is written beside it as DIR/msg-N.json, read from
the message by Python's own e-mail parser: sender, recipients, subject,
the text body, and each attachment's name, type and SHA-256 of its
decoded bytes.

Prints "ready PORT CERT" on standard output once listening, and runs
until standard input closes (the test ends, or dies).

Usage: smtp-test-server.py DIR [--refuse] [--user USER --password PASSWORD]
"""
import argparse
import email
import email.policy
import hashlib
import json
import os
import socket
import ssl
import subprocess
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def make_certificate(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keeper:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.7.1 Relaying denied by the test server"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "msg-%d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        attachments = []
        for part in message.iter_attachments():
            data = part.get_payload(decode=True)
            attachments.append({"filename": part.get_filename(),
                                "content_type": part.get_content_type(),
                                "sha256": hashlib.sha256(data).hexdigest()})
        summary = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                   "from": str(message["From"]), "to": str(message["To"]),
                   "subject": str(message["Subject"]),
                   # None unless the Date header is a valid RFC 5322 date.
                   "date_valid": message["Date"] is not None and message["Date"].datetime is not None,
                   "body": body.get_content() if body is not None else "",
                   "attachments": attachments,
                   "tls": session.ssl is not None,
                   "authenticated": bool(session.authenticated)}
        with open(base + ".json", "w") as f:
            json.dump(summary, f)
        return "250 2.0.0 Ok: queued as TQ%04d" % self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--refuse", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    cert, key = make_certificate(args.directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    extra = {}
    if args.user:
        def check(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == args.user and
                  auth_data.password.decode() == args.password)
            # handled=False: aiosmtpd then answers 535 itself on a failure.
            return AuthResult(success=ok, handled=False)
        extra = {"authenticator": check, "auth_required": True}
    port = free_port()
    controller = Controller(Keeper(args.directory, args.refuse), hostname="127.0.0.1", port=port,
                            server_hostname="localhost", tls_context=context,
                            require_starttls=True, **extra)
    controller.start()
    print("ready %d %s" % (port, cert), flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
