/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_extract.c - libFuzzer target: any bytes as one attachment through
 * msg_extract_attachment(), in-process (the production path forks; a fork
 * per input would hide crashes from the fuzzer).
 *
 * Input: byte 0 picks the Content-Type and file name the attachment is
 * labelled with (PDF, DOCX, XLSX, ODT, RTF, HTML, zip, tar, gzip, 7z,
 * text, CSV, unlabelled); the rest is the attachment. Magic in the bytes
 * still wins over the label, as in production, so a PDF labelled text/csv
 * goes to poppler: the label only steers inputs that carry no magic.
 *
 * Invariants: extraction returns 0 or PG_ENOMEM; every segment it added
 * is NUL-terminated at its length and sits under the attachment's path;
 * every uninspectable entry has a reason; the segments then scan, and
 * every finding lies inside its segment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "message/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One label an attachment may carry. */
struct label {
    const char *content_type;
    const char *filename;
};

static const struct label labels[] = {
    {"application/pdf", "statement.pdf"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "letter.docx"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "accounts.xlsx"},
    {"application/vnd.oasis.opendocument.text", "letter.odt"},
    {"application/rtf", "letter.rtf"},
    {"text/html", "page.html"},
    {"application/zip", "files.zip"},
    {"application/x-tar", "files.tar"},
    {"application/gzip", "files.tar.gz"},
    {"application/x-7z-compressed", "files.7z"},
    {"text/plain", "notes.txt"},
    {"text/csv", "customers.csv"},
    {"application/octet-stream", NULL},
};
#define N_LABELS (sizeof(labels) / sizeof(labels[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_engine *engine;
    pg_scratch *scratch;
    pg_msg_limits lim;
    pg_msg *m = NULL;

    if (size < 1)
        return 0;
    fuzz_engine(&engine, &scratch);
    fuzz_limits(&lim);
    const struct label *l = &labels[data[0] % N_LABELS];
    msg_part part = {"2", l->filename, l->content_type, data + 1, size - 1, 1, -1};
    if (msg_new(&m) < 0)
        return 0;
    int rc = msg_extract_attachment(m, &part, &lim);
    if (rc < 0 && rc != PG_ENOMEM)
        abort(); /* every other failure must be an uninspectable entry */
    if (rc == 0 && pg_msg_scan(m, engine, scratch) < 0)
        abort();
    fuzz_check_msg(m, "2"); /* the part, or an entry below it */
    pg_msg_free(m);
    return 0;
}
