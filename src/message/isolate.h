/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * isolate.h - run one extractor in a forked, rlimited child with a
 * wall-clock timeout, and replay what it found into the message.
 *
 * The child gets a copy of the message as it stands, runs the extractor
 * in-process (nested members included, so one attachment is one child),
 * and writes the segments and uninspectable entries it added back over a
 * pipe. The parent checks every record before it keeps any: a child that
 * crashes, hangs, runs out of memory or writes nonsense costs one
 * uninspectable entry, never the caller. docs/extractors.md has the
 * record format and the rlimits.
 */
#ifndef PIIGUARD_MSG_ISOLATE_H
#define PIIGUARD_MSG_ISOLATE_H

#include "message/extract_int.h"

/* The environment variable and marker of the test hook: with
 * PIIGUARD_TEST_EXTRACTOR_FAULT=crash (or hang), a PDF that contains the
 * marker makes the isolated child raise SIGSEGV (or sleep until killed).
 * The hook acts only in the child, so in-process runs never see it. */
#define MSG_ISOLATE_FAULT_ENV "PIIGUARD_TEST_EXTRACTOR_FAULT"
#define MSG_ISOLATE_FAULT_MARKER "%PIIGUARD-TEST-FAULT"

/* Run fn(msg, part, seg_path, lim) in a child and add its results to msg.
 * Returns 0 or PG_ENOMEM; a failed child is an uninspectable entry at
 * seg_path ("extractor crashed", "extractor timeout", ...). */
int msg_isolate_run(pg_msg *msg, const msg_part *part, const char *seg_path,
                    const pg_msg_limits *lim, msg_extract_fn fn);

#endif /* PIIGUARD_MSG_ISOLATE_H */
