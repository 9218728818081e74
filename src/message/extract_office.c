/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extract_office.c - DOCX, XLSX, PPTX (OOXML) and ODT, ODS, ODP (ODF):
 * zip containers read with libarchive, XML parsed with libxml2.
 *
 * What is read: the Word body, headers, footers, footnotes, endnotes and
 * comments; every PowerPoint slide, its notes and comments; every Excel
 * sheet as rows of tab-separated cells, with shared strings resolved and
 * numbers kept (an SSN typed into Excel is a number, not a string), plus
 * comments; an ODF document's content.xml, styles.xml (headers and
 * footers) and embedded objects' content.xml; and the text of every other
 * XML member (properties, custom XML parts, chart caches), so nothing parked
 * there is skipped. Paragraphs, rows and line breaks end a line; cells and
 * tabs become a tab. Files embedded in an OOXML package (word/, xl/ or
 * ppt/embeddings/) are dispatched again one level deeper. Media (images,
 * fonts, thumbnails) are not read. One segment holds the document's text.
 *
 * XML is parsed without the network, without loading a DTD and without
 * substituting entities (no XML_PARSE_NOENT, so a billion-laughs entity
 * stays one unexpanded reference that we never read), with libxml2's
 * default depth (256) and text-node limits. A member that does not parse
 * still gives what the recovering parser kept, and the document is also
 * "unparseable office". A zip without any office member is handed to the
 * archive extractor instead; one that is no zip at all is "unparseable
 * office". Members share the archive's ratio, size and entry limits.
 *
 * Excel reads in two passes over the zip, because xl/sharedStrings.xml
 * usually comes after the sheets that index it.
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "message/extract_int.h"

#define OFFICE_MAX_DEPTH 512 /* libxml2 stops at 256; a second wall */

/* OM_XML: any other XML member (document properties, custom XML parts,
 * chart caches), read as all its text, so data parked there is not
 * skipped; such members alone do not make a zip an office document. */
enum omode { OM_NONE, OM_WORD, OM_STRINGS, OM_SHEET, OM_ODF, OM_EMBED, OM_XML };

static const struct {
    const char *glob;
    enum omode mode;
} office_members[] = {
    {"word/document.xml", OM_WORD},        {"word/header*.xml", OM_WORD},
    {"word/footer*.xml", OM_WORD},         {"word/footnotes.xml", OM_WORD},
    {"word/endnotes.xml", OM_WORD},        {"word/comments.xml", OM_WORD},
    {"ppt/slides/slide*.xml", OM_WORD},    {"ppt/notesSlides/*.xml", OM_WORD},
    {"ppt/comments/*.xml", OM_WORD},       {"xl/comments*.xml", OM_WORD},
    {"xl/sharedStrings.xml", OM_STRINGS},  {"xl/worksheets/sheet*.xml", OM_SHEET},
    {"content.xml", OM_ODF},               {"styles.xml", OM_ODF},
    {"*/content.xml", OM_ODF},             {"word/embeddings/*", OM_EMBED},
    {"xl/embeddings/*", OM_EMBED},         {"ppt/embeddings/*", OM_EMBED},
};

/* Excel's shared strings: NUL-separated texts and where each starts. */
struct sst {
    msg_sb text;
    size_t *off;
    size_t n, cap;
    size_t cur; /* start of the string being read */
};

struct office {
    pg_msg *msg;
    const msg_part *part;
    const char *seg_path;
    const pg_msg_limits *lim;
    msg_sb out;
    struct sst sst;
    enum omode mode;  /* of the member being walked */
    bool found;       /* an office member was seen */
    bool bad;         /* some member did not parse */
};

/* member_mode - what a zip member is to us */
static enum omode member_mode(const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < sizeof(office_members) / sizeof(*office_members); i++)
        if (fnmatch(office_members[i].glob, name, FNM_PATHNAME) == 0)
            return office_members[i].mode;
    return n > 4 && !strcmp(name + n - 4, ".xml") ? OM_XML : OM_NONE;
}

/* is - does element n have this local name? */
static bool is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* attr - an attribute's value without allocating, or NULL */
static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n ? n->properties : NULL; a; a = a->next)
        if (!strcmp((const char *)a->name, name) && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

/* sst_push - close the shared string being read */
static void sst_push(struct sst *s)
{
    msg_sb_putc(&s->text, '\0');
    if (s->text.err)
        return;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        size_t *p = realloc(s->off, ncap * sizeof(*p));
        if (!p) {
            s->text.err = PG_ENOMEM;
            return;
        }
        s->off = p;
        s->cap = ncap;
    }
    s->off[s->n++] = s->cur;
}

/* put_cell_value - a sheet's <v>: a shared-string index or a literal */
static void put_cell_value(struct office *o, xmlNodePtr v, const char *text)
{
    const char *t = attr(v->parent, "t");

    if (t && !strcmp(t, "s")) {
        char *end;
        unsigned long i = strtoul(text, &end, 10);
        if (end != text && i < o->sst.n) {
            const char *s = o->sst.text.p + o->sst.off[i];
            msg_sb_put(&o->out, s, strlen(s));
        }
        return;
    }
    msg_sb_put(&o->out, text, strlen(text));
}

/* put_node_text - a text node, if this member's mode says it is content */
static void put_node_text(struct office *o, xmlNodePtr n)
{
    xmlNodePtr up = n->parent;
    const char *text = (const char *)n->content;

    if (!text)
        return;
    if (o->mode == OM_ODF || o->mode == OM_XML)
        msg_sb_put(&o->out, text, strlen(text));
    else if (o->mode == OM_STRINGS && is(up, "t") && !is(up->parent, "rPh"))
        msg_sb_put(&o->sst.text, text, strlen(text));
    else if (o->mode == OM_SHEET && is(up, "v"))
        put_cell_value(o, up, text);
    else if (is(up, "t") || is(up, "delText"))
        msg_sb_put(&o->out, text, strlen(text));
}

/* office_enter - a node on the way down; elements that are characters */
static bool office_enter(void *payload, xmlNodePtr n)
{
    struct office *o = payload;

    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        put_node_text(o, n);
        return false;
    }
    if (n->type != XML_ELEMENT_NODE)
        return false; /* entity references stay unexpanded */
    if (is(n, "tab"))
        msg_sb_break(&o->out, '\t');
    else if (is(n, "br") || is(n, "cr") || is(n, "line-break"))
        msg_sb_putc(&o->out, '\n');
    else if (o->mode == OM_ODF && is(n, "s"))
        msg_sb_putc(&o->out, ' ');
    else if (o->mode == OM_STRINGS && is(n, "si"))
        o->sst.cur = o->sst.text.len;
    return true;
}

/* office_leave - paragraphs and rows end a line, cells end a cell */
static void office_leave(void *payload, xmlNodePtr n)
{
    struct office *o = payload;
    static const char *const lines[] = {"p", "h", "tr", "row", "table-row"};
    static const char *const cells[] = {"tc", "c", "table-cell", "covered-table-cell"};

    if (o->mode == OM_STRINGS && is(n, "si")) {
        sst_push(&o->sst);
        return;
    }
    for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
        if (is(n, lines[i]))
            msg_sb_break(&o->out, '\n');
    for (size_t i = 0; i < sizeof(cells) / sizeof(*cells); i++)
        if (is(n, cells[i]))
            msg_sb_break(&o->out, '\t');
}

/* walk_xml - parse one member and walk it in the current mode */
static int walk_xml(struct office *o, const msg_sb *data)
{
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

    if (!ctxt)
        return PG_ENOMEM;
    if (data->len > INT_MAX) {
        xmlFreeParserCtxt(ctxt);
        o->bad = true;
        return 0;
    }
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data->p ? data->p : "", (int)data->len,
                                      NULL, NULL, opts);
    int rc = ctxt->errNo == XML_ERR_NO_MEMORY ? PG_ENOMEM : 0;
    o->bad |= !doc || !ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (doc && rc == 0) {
        msg_sb_break(&o->out, '\n');
        int stop = 0;
        if (msg_xml_walk(doc->children, office_enter, office_leave, o, &stop,
                         OFFICE_MAX_DEPTH) < 0)
            o->bad = true;
    }
    xmlFreeDoc(doc);
    return rc;
}

/* embedded - a file inside the package, as a nested part */
static int embedded(struct office *o, const char *name, const msg_sb *data)
{
    char *path;
    int rc = msg_extract_path(&path, o->seg_path, "entry", name);

    if (rc < 0)
        return rc == PG_ENOMEM ? rc : msg_add_uninspectable(o->msg, o->seg_path, MSG_WHY_DEPTH);
    msg_part sub = {o->seg_path, name, "application/octet-stream",
                    (const unsigned char *)data->p, data->len, o->part->depth + 1, -1};
    rc = msg_extract_dispatch(o->msg, &sub, path, o->lim);
    free(path);
    return rc;
}

/* member - read one wanted member and use it; 1 stops the pass */
static int member(struct office *o, struct archive *a, const char *name,
                  enum omode mode, msg_unpack *u)
{
    msg_sb data;
    int rc = msg_archive_read(a, &data, u, o->lim);

    if (rc == 0) {
        o->mode = mode;
        rc = mode == OM_EMBED ? embedded(o, name, &data) : walk_xml(o, &data);
    } else if (rc != PG_ENOMEM) {
        rc = msg_add_uninspectable(o->msg, o->seg_path, msg_archive_why(rc, "unparseable office"));
        rc = rc < 0 ? rc : 1;
    }
    msg_sb_free(&data);
    return rc;
}

/* office_pass - one pass over the zip; strings_only for Excel's first.
 * Returns 0, PG_ENOMEM, or 1 when a limit stopped it (already recorded). */
static int office_pass(struct office *o, bool strings_only)
{
    struct archive *a = msg_archive_open(o->part);
    struct archive_entry *e;
    msg_unpack u = {o->part->len, 0};
    unsigned entries = 0;
    int rc = 0, r;

    if (!a)
        return PG_ENOMEM;
    while (rc == 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
        if (r < ARCHIVE_WARN) {
            o->bad = true;
            break;
        }
        if (++entries > o->lim->max_archive_entries) {
            rc = msg_add_uninspectable(o->msg, o->seg_path, MSG_WHY_ENTRIES);
            rc = rc < 0 ? rc : 1;
            break;
        }
        const char *name = archive_entry_pathname(e);
        enum omode mode = name ? member_mode(name) : OM_NONE;
        o->found |= mode != OM_NONE && mode != OM_EMBED && mode != OM_XML;
        if (mode == OM_NONE || (strings_only != (mode == OM_STRINGS)))
            continue;
        if (archive_entry_is_encrypted(e))
            rc = msg_add_uninspectable(o->msg, o->seg_path, MSG_WHY_ENC_ARCHIVE);
        else
            rc = member(o, a, name, mode, &u);
    }
    archive_read_free(a);
    return rc;
}

/* office_finish - emit the document's text and what went wrong */
static int office_finish(struct office *o)
{
    int rc = o->sst.text.err == PG_ENOMEM ? PG_ENOMEM : 0;

    if (rc == 0)
        rc = msg_extract_emit_sb(o->msg, o->seg_path, &o->out, o->lim);
    if (rc == 0 && (o->bad || o->sst.text.err))
        rc = msg_add_uninspectable(o->msg, o->seg_path, "unparseable office");
    return rc;
}

/* msg_extract_office - an OOXML or ODF document's text */
int msg_extract_office(pg_msg *msg, const msg_part *part, const char *seg_path,
                       const pg_msg_limits *lim)
{
    struct office o = {.msg = msg, .part = part, .seg_path = seg_path, .lim = lim};
    int rc;

    msg_sb_init(&o.out, lim->max_decoded_bytes - msg->decoded_bytes);
    msg_sb_init(&o.sst.text, lim->max_part_bytes);
    rc = office_pass(&o, true);
    if (rc == 0)
        rc = office_pass(&o, false);
    if (rc == 0 && !o.found && !o.bad)
        rc = msg_extract_archive(msg, part, seg_path, lim);
    else if (rc == 0 && !o.found)
        rc = msg_add_uninspectable(msg, seg_path, "unparseable office");
    else if (rc == 0)
        rc = office_finish(&o);
    msg_sb_free(&o.out);
    msg_sb_free(&o.sst.text);
    free(o.sst.off);
    return rc < 0 ? rc : 0;
}
