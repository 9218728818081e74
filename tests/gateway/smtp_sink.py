# SPDX-License-Identifier: GPL-3.0-or-later
"""smtp_sink.py - "the internet" for the gateway tests: an SMTP server on
loopback that accepts everything and writes each message, byte for byte
as it arrived (CRLF, dot-unstuffed), to DIR/NNNNNN.eml, with the envelope
in DIR/NNNNNN.env. Files appear atomically (written, then renamed), so a
test may poll for them.

usage: python3 smtp_sink.py PORT DIR
"""
import os
import socketserver
import sys
import threading

COUNTER = [0]
LOCK = threading.Lock()


def store(directory, envelope, data):
    """Write one message and its envelope under the next number."""
    with LOCK:
        COUNTER[0] += 1
        n = COUNTER[0]
    base = os.path.join(directory, "%06d" % n)
    for ext, blob in ((".env", envelope), (".eml", data)):
        with open(base + ext + ".tmp", "wb") as f:
            f.write(blob)
        os.rename(base + ext + ".tmp", base + ext)


class Session(socketserver.StreamRequestHandler):
    """One SMTP session: just enough of RFC 5321 for Postfix's smtp client."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines) if line else None
            lines.append(line[1:] if line.startswith(b"..") else line)

    def handle(self):
        env, rcpts = b"", []
        self.reply("220 sink.piiguard.test ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO",):
                self.reply("250-sink.piiguard.test\r\n250-8BITMIME\r\n250 PIPELINING")
            elif verb == b"HELO":
                self.reply("250 sink.piiguard.test")
            elif verb == b"MAIL":
                env, rcpts = line, []
                self.reply("250 ok")
            elif verb == b"RCPT":
                rcpts.append(line)
                self.reply("250 ok")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                data = self.read_data()
                if data is None:
                    return
                store(self.server.directory, env + b"".join(rcpts), data)
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    server = Server(("127.0.0.1", port), Session)
    server.directory = directory
    server.serve_forever()


if __name__ == "__main__":
    main()
