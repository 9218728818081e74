#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gen_mail.py OUTDIR - the messages behind the message-pipeline bench.

  plain20k.eml   a 20 KB text/plain support mail with one SSN
  attach2m.eml   a short mail with a ~1 MB PDF and a ~1 MB DOCX attached
                 (text on every page / paragraph, a card number inside)
  big25m.eml     a 25 MB mail: text body plus base64 attachments, for the
                 peak-RSS check

Fixed content, no randomness: the figures must be reproducible. The PDF is
written by hand (one text object per page, xref offsets computed), the DOCX
with zipfile: no tool outside Python's standard library.
"""
import base64, io, os, sys, zipfile

PROSE = ("Thanks for getting back to us about the delivery. We reviewed the "
         "account history and the refund will be processed within five business "
         "days. Please let us know if anything else comes up. ")

def plain20k():
    body = PROSE * (20000 // len(PROSE) + 1)
    body += "\nFor your records, the SSN on file is 536-22-1234.\n"
    return ("From: Agent <agent@corp.example.com>\r\nTo: Customer <c@customer.test>\r\n"
            "Subject: your account\r\nMessage-ID: <bench1@corp.example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n"))

def pdf(target):
    lines = [PROSE[:90]] * 40
    objs, pages, page_ids = [], [], []
    # object numbers: 1 catalog, 2 pages, 3 font, then (page, content) pairs
    n_pages = 0
    content_objs = []
    size = 0
    while size < target:
        text = "BT /F1 9 Tf 36 800 Td 11 TL " + " ".join(
            "(%s) '" % l.replace("(", "").replace(")", "") for l in lines)
        if n_pages == 3:
            text += " (Card 4111 1111 1111 1111) '"
        text += " ET"
        content_objs.append(text)
        size += len(text)
        n_pages += 1
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    def obj(num, body):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")
    kids = " ".join("%d 0 R" % (4 + 2 * i) for i in range(n_pages))
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, ("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)).encode())
    obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(content_objs):
        p, c = 4 + 2 * i, 5 + 2 * i
        obj(p, ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
                "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % c).encode())
        data = text.encode()
        obj(c, b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    total = 4 + 2 * n_pages
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % total)
    for num in range(1, total):
        out.write(b"%010d 00000 n \n" % offsets[num])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (total, xref))
    return out.getvalue()

def docx(target):
    para = "<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % PROSE
    paras = [para] * (target // len(para) + 1)
    paras.insert(len(paras) // 2, "<w:p><w:r><w:t>IBAN DE89 3704 0044 0532 0130 00</w:t></w:r></w:p>")
    doc = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
           'openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>'
           % "".join(paras))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", doc)
    return buf.getvalue()

def b64lines(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))

def with_attachments(parts, body="Please find the documents attached.\r\n"):
    msg = ("From: Agent <agent@corp.example.com>\r\nTo: Customer <c@customer.test>\r\n"
           "Subject: documents\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=BOUNDARY\r\n\r\n"
           "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\n" + body)
    for name, ctype, data in parts:
        msg += ("--BOUNDARY\r\nContent-Type: %s; name=\"%s\"\r\n"
                "Content-Disposition: attachment; filename=\"%s\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n" % (ctype, name, name, b64lines(data)))
    return msg + "--BOUNDARY--\r\n"

DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, "plain20k.eml"), "w").write(plain20k())
    open(os.path.join(out, "attach2m.eml"), "w").write(with_attachments(
        [("statement.pdf", "application/pdf", pdf(1 << 20)),
         ("letter.docx", DOCX_CT, docx(1 << 20))]))
    body = (PROSE + "\r\n") * ((13 << 20) // (len(PROSE) + 2) + 1)
    open(os.path.join(out, "big25m.eml"), "w").write(with_attachments(
        [("a.pdf", "application/pdf", pdf(4 << 20)), ("b.docx", DOCX_CT, docx(4 << 20))], body))

if __name__ == "__main__":
    main()
