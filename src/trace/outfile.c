/* SPDX-License-Identifier: MIT */
/*
 * outfile.c -- output files written safely (outfile.h).
 */
#define _GNU_SOURCE 1              /* sync_file_range */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "text.h"

/* Put "PATH: WHAT: strerror(E)" into ERR, PATH sanitized. */
static void
fail_msg(char *err, size_t errlen, const char *path, const char *what, int e)
{
	char shown[256];

	text_sanitize(shown, sizeof shown, path, false);
	snprintf(err, errlen, "%s: %s: %s", shown, what, strerror(e));
}

/* Is PATH an existing file that is not regular (after symlinks)? */
static bool
write_in_place(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/* A mkstemp template "DIR/.BASE.XXXXXX" beside PATH (NULL: out of memory). */
static char *
temp_template(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dlen;
	char *t = malloc(dlen + strlen(base) + 10);

	if (t != NULL) {
		memcpy(t, path, dlen);
		sprintf(t + dlen, ".%s.XXXXXX", base);
	}
	return t;
}

/* Give a new temporary file FD the mode a created file would get. */
static void
default_mode(int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
}

/* Release O's memory. */
static void
release(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
}

bool
outfile_uses_temp(const char *path)
{
	return strcmp(path, "-") != 0 && !write_in_place(path);
}

FILE *
outfile_open(struct outfile *o, const char *path, char *err, size_t errlen)
{
	int fd;

	memset(o, 0, sizeof *o);
	if (strcmp(path, "-") == 0) {
		o->is_stdout = true;
		o->fp = stdout;
		return o->fp;
	}
	if ((o->path = strdup(path)) == NULL) {
		fail_msg(err, errlen, path, "cannot create", ENOMEM);
		return NULL;
	}
	if (write_in_place(path)) {
		if ((o->fp = fopen(path, "w")) == NULL) {
			fail_msg(err, errlen, path, "cannot open", errno);
			release(o);
		}
		return o->fp;
	}
	if ((o->tmp = temp_template(path)) == NULL || (fd = mkstemp(o->tmp)) < 0) {
		fail_msg(err, errlen, path, "cannot create", o->tmp == NULL ? ENOMEM : errno);
		release(o);
		return NULL;
	}
	default_mode(fd);
	if ((o->fp = fdopen(fd, "w")) == NULL) {
		fail_msg(err, errlen, path, "cannot create", errno);
		close(fd);
		unlink(o->tmp);
		release(o);
	}
	return o->fp;
}

int
outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	int e = 0;

	if (o->fp == NULL) {
		fail_msg(err, errlen, o->path != NULL ? o->path : "-", "not open", EBADF);
		release(o);
		return -1;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp))
		e = errno != 0 ? errno : EIO;
	if (o->is_stdout) {
		if (e != 0)
			fail_msg(err, errlen, "standard output", "write error", e);
		release(o);
		return e != 0 ? -1 : 0;
	}
	if (e == 0 && o->tmp != NULL && fsync(fileno(o->fp)) != 0 && errno != EINVAL)
		e = errno;
	if (fclose(o->fp) != 0 && e == 0)
		e = errno;
	o->fp = NULL;
	if (e == 0 && o->tmp != NULL && rename(o->tmp, o->path) != 0)
		e = errno;
	if (e != 0) {
		fail_msg(err, errlen, o->path, "cannot write", e);
		if (o->tmp != NULL)
			unlink(o->tmp);
	}
	release(o);
	return e != 0 ? -1 : 0;
}

void
outfile_kick(struct outfile *o)
{
#ifdef SYNC_FILE_RANGE_WRITE
	off_t end;

	if (o->fp == NULL || o->tmp == NULL || fflush(o->fp) != 0 || (end = ftello(o->fp)) < 0)
		return;
	if (end > o->kicked)
		sync_file_range(fileno(o->fp), (off_t)o->kicked, end - (off_t)o->kicked,
		                SYNC_FILE_RANGE_WRITE);
	o->kicked = end;
#else
	(void)o;
#endif
}

void
outfile_abort(struct outfile *o)
{
	if (o->fp != NULL && !o->is_stdout)
		fclose(o->fp);
	else if (o->is_stdout)
		fflush(stdout);
	if (o->tmp != NULL)
		unlink(o->tmp);
	release(o);
}
