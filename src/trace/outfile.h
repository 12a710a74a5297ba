/* SPDX-License-Identifier: MIT */
/*
 * outfile.h -- output files written safely: "-" is standard output; a file
 * appears under its name whole or not at all, and no symlink is followed.
 *
 * A regular output goes to a private temporary file made by mkstemp()
 * (O_CREAT|O_EXCL, so nothing planted under a guessed name is ever
 * followed) in the target's own directory, and outfile_commit() flushes,
 * syncs and renames it onto the target: a symlink named as the target is
 * replaced, never written through.  A target that exists and is not a
 * regular file -- a device such as /dev/null, a FIFO, or a symlink to one
 * (/dev/stdout) -- is written in place, never renamed over.  Every write
 * error, including those only fflush() or fclose() report, makes the
 * commit fail.  No curses.
 */
#ifndef VMSCOPE_OUTFILE_H
#define VMSCOPE_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
	FILE *fp;                /* write here */
	char *path;              /* the target, as given */
	char *tmp;               /* the temporary file, NULL when written in place */
	bool is_stdout;          /* "-" */
	long long kicked;        /* bytes handed to the disk early (outfile_kick) */
};

/* Will PATH be written through a temporary file (not standard output,
 * not a device or FIFO written in place)? */
bool outfile_uses_temp(const char *path);
/* Open PATH for writing.  Returns O->fp, or NULL with ERR set. */
FILE *outfile_open(struct outfile *o, const char *path, char *err, size_t errlen);
/* Finish: flush, sync, close and rename into place.  Returns 0, or -1 with
 * ERR set (the temporary file is removed, the target left as it was). */
int outfile_commit(struct outfile *o, char *err, size_t errlen);
/* Start writing to the disk what was written so far, without waiting
 * for it (a temporary file only): the final sync then has little left. */
void outfile_kick(struct outfile *o);
/* Give up: close and remove the temporary file.  O may be unopened. */
void outfile_abort(struct outfile *o);

#endif
