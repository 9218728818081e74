# SPDX-License-Identifier: GPL-3.0-or-later
"""smtp_client.py - an SMTP client that sends a file exactly as it is
(LF made CRLF, nothing appended) and can stop in the middle of DATA.

usage: python3 smtp_client.py PORT MESSAGE_FILE [SYNC_DIR]

Prints the server's reply to the end of DATA ("250 2.0.0 Ok: queued as
...", "451 4.7.1 ..."). With SYNC_DIR it sends the envelope and the first
half of the message, creates SYNC_DIR/in-data, waits (at most 20 s) for
SYNC_DIR/go, then sends the rest: the gateway test kills the milter in
between. swaks adds a line break of its own before the final dot; this
client does not, which is what a byte-for-byte body comparison needs.
"""
import os
import smtplib
import sys
import time


def wait_for(path):
    for _ in range(200):
        if os.path.exists(path):
            return
        time.sleep(0.1)


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    sync = sys.argv[3] if len(sys.argv) > 3 else None
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    data = b"\r\n".join(b"." + l if l.startswith(b".") else l for l in data.split(b"\r\n"))
    half = data.find(b"\r\n", len(data) // 2) + 2 if sync else len(data)
    s = smtplib.SMTP("127.0.0.1", port, local_hostname="client.piiguard.test",
                     timeout=30)
    s.ehlo()
    s.mail("agent@corp.example.com")
    s.rcpt("customer@example.net")
    code, _ = s.docmd("DATA")
    if code != 354:
        print("%d DATA refused" % code)
        return
    s.send(data[:half])
    if sync:
        open(os.path.join(sync, "in-data"), "w").close()
        wait_for(os.path.join(sync, "go"))
    s.send(data[half:] + b".\r\n")
    code, msg = s.getreply()
    print("%d %s" % (code, msg.decode(errors="replace").replace("\n", " ")))
    try:
        s.quit()
    except smtplib.SMTPException:
        pass


if __name__ == "__main__":
    main()
