# SPDX-License-Identifier: GPL-3.0-or-later
"""mkmsg.py - the messages of the gateway test, written at test time.

usage: python3 mkmsg.py KIND OUT TOKEN [ARG]

KIND is one of
  ssn        clear-text SSN in the body
  consent    the same, with the customer's consent phrase
  pdf        a card number inside an attached PDF
  quoted     a reply that quotes the customer's SSN back (nothing new)
  subject    the SSN in the Subject (after the token) and in the body
  smime      ARG is an S/MIME file from `openssl cms -encrypt`: headers added
  clean      no PII; dots, tabs, trailing blanks, UTF-8, a long line
  forged     the same, with X-PIIGuard-* headers the sender wrote himself
  big        the clean body 250 times (~400 KB): spooled to disk
  quarantine clear-text SSN, for the quarantine policy

TOKEN goes into the Subject so a test can find the message in the sink.
Messages are written with LF line ends; swaks sends them with CRLF.
The seeded values are the module constants SSN and CARD.
"""
import base64
import sys

SSN = "536-22-1934"
CARD = "4539 1488 0343 6467"
FROM = "agent@corp.example.com"
TO = "customer@example.net"


def head(token, extra="", subject=None):
    return ("From: Agent <%s>\nTo: Customer <%s>\nSubject: %s\n"
            "Message-ID: <%s@corp.example.com>\nMIME-Version: 1.0\n%s"
            % (FROM, TO, subject or token, token, extra))


def text(token, body, subject=None):
    return head(token, "Content-Type: text/plain; charset=utf-8\n"
                       "Content-Transfer-Encoding: 8bit\n", subject) + "\n" + body


def pdf_bytes(line):
    """A one-page PDF whose text layer reads `line` (uncompressed)."""
    stream = "BT /F1 12 Tf 72 720 Td (%s) Tj ET" % line
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offs = "%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (i, o)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += "".join("%010d 00000 n \n" % o for o in offs)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return out.encode()


def pdf(token):
    b64 = base64.encodebytes(pdf_bytes("Card on file: %s exp 09/28" % CARD)).decode()
    return head(token, 'Content-Type: multipart/mixed; boundary="b1"\n') + (
        "\n--b1\nContent-Type: text/plain; charset=us-ascii\n\n"
        "Please find your statement attached.\n\n"
        "--b1\nContent-Type: application/pdf; name=\"statement.pdf\"\n"
        "Content-Disposition: attachment; filename=\"statement.pdf\"\n"
        "Content-Transfer-Encoding: base64\n\n%s\n--b1--\n" % b64)


def clean_body():
    return ("Hello,\n\n"
            ".a line that starts with a dot\n"
            "..two dots\n"
            "\ttab-indented line\n"
            "trailing blanks   \n"
            "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u2013 8-bit text\n"
            + "long " * 150 + "\n"
            "Meeting moved to 14:30, room 4.12; order #A-77 ships Monday.\n"
            "Kind regards from the support desk\n")


def build(kind, token, arg):
    if kind == "ssn":
        return text(token, "Hi,\n\nthe SSN on file is %s.\n\nRegards\n" % SSN)
    if kind == "consent":
        return text(token, "Hi,\n\nas you requested, here is your SSN: %s\n"
                           "You said it is okay to send it by mail.\n" % SSN)
    if kind == "pdf":
        return pdf(token)
    if kind == "quoted":
        return text(token, "Hi Ann,\n\nthanks, your file is up to date now.\n\n"
                           "On Monday, Ann <%s> wrote:\n"
                           "> Please update my records, my SSN is %s.\n"
                           "> Thanks, Ann\n" % (TO, SSN))
    if kind == "smime":
        with open(arg) as f:
            return head(token).replace("MIME-Version: 1.0\n", "") + f.read()
    if kind == "clean":
        return text(token, clean_body())
    if kind == "big":
        return text(token, clean_body() * 250)
    if kind == "forged":
        return text(token, clean_body()).replace(
            "MIME-Version: 1.0\n", "MIME-Version: 1.0\nX-PIIGuard-Action: allow\n"
            "X-PIIGuard-Route: secure\nx-piiguard-action: checked\n", 1)
    if kind == "subject":
        return text(token, "Hi,\n\nyour SSN %s is updated.\n" % SSN,
                    subject=token + " SSN " + SSN)
    if kind == "quarantine":
        return text(token, "Hi,\n\nyour SSN is %s as discussed.\n" % SSN)
    raise SystemExit("unknown kind " + kind)


def main():
    kind, out, token = sys.argv[1:4]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    with open(out, "w", encoding="utf-8") as f:
        f.write(build(kind, token, arg))


if __name__ == "__main__":
    main()
