/* SPDX-License-Identifier: MIT */
/*
 * lazy_load.c -- play and render a big trace file before it is all loaded
 * (lazy_load.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "lazy_load.h"

/* Events loaded per call from the player's loop: about 20 ms of work, so
 * that keys are read between parts. */
#define LAZY_CHUNK 8192u

struct lazy_load {
	struct trace_stream *s;
	struct ui_loader loader;
};

/* The size from which a file loads lazily. */
static unsigned long long
lazy_bytes(void)
{
	const char *e = getenv("VMSCOPE_LAZY_BYTES");
	char *end;
	unsigned long long v;

	if (e == NULL || e[0] == '\0')
		return LAZY_BYTES;
	v = strtoull(e, &end, 10);
	return *end == '\0' ? v : LAZY_BYTES;
}

/* ui_loader: load the next part. */
static int
lazy_more(void *ctx, double *fraction, char *msg, size_t msglen)
{
	struct lazy_load *lz = ctx;
	struct trace *t = trace_stream_trace(lz->s);
	int rc = trace_stream_load(lz->s, t->nev + LAZY_CHUNK);

	*fraction = trace_stream_fraction(lz->s);
	if (rc < 0)
		trace_error_format(trace_stream_error(lz->s), msg, msglen);
	return rc;
}

int
lazy_open(const char *arg, const char *profile, size_t upto, struct trace **t,
          struct replay **r, struct lazy_load **out)
{
	struct trace_error err;
	struct stat st;
	struct lazy_load *lz;
	int rc;

	*out = NULL;
	if (arg == NULL || strcmp(arg, "-") == 0 || stat(arg, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size < lazy_bytes())
		return 0;
	if ((lz = calloc(1, sizeof *lz)) == NULL) {
		fprintf(stderr, "vmscope: out of memory\n");
		return EXIT_IO;
	}
	if (trace_stream_open(arg, &lz->s, &err) != 0) {
		free(lz);
		return cmd_trace_error(&err);
	}
	*t = trace_stream_trace(lz->s);
	if (trace_stream_load(lz->s, upto) < 0) {
		rc = cmd_trace_error(trace_stream_error(lz->s));
		goto fail;
	}
	rc = cmd_open_replay(*t, profile, r);
	if (rc != 0)
		goto fail;
	lz->loader = (struct ui_loader){ .ctx = lz, .more = lazy_more };
	*out = lz;
	return 0;
fail:
	trace_free(*t);
	*t = NULL;
	lazy_close(lz);
	return rc;
}

void
lazy_wire(struct lazy_load *lz, struct ui_opts *o)
{
	o->loader = lz != NULL && trace_stream_error(lz->s) == NULL &&
	            trace_stream_fraction(lz->s) < 1.0 ? &lz->loader : NULL;
	if (o->loader != NULL)
		lz->loader.fraction = trace_stream_fraction(lz->s);
}

void
lazy_close(struct lazy_load *lz)
{
	if (lz == NULL)
		return;
	trace_stream_close(lz->s);
	free(lz);
}
