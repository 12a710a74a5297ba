/* SPDX-License-Identifier: MIT */
/*
 * attach.c -- `vmscope attach`: periodic samples of live processes (attach.h).
 *
 * Each sample reads every mapping of each process with the /proc sampler
 * (record.c): smaps first, then pagemap for all mappings in runs of
 * adjacent ones (skipped, with a note, when pagemap is not readable).
 * Each observed region is named by its smaps path ("[heap]", a file), or
 * left unnamed for anonymous memory.  Every observation goes twice: into
 * the session's in-memory trace (trace_append) and, with -o, to the trace
 * writer, so that the player and the file hold the same events.  A process
 * that exits becomes a note event ("process 42 (sleep) exited ...").
 *
 * attach_run() is the non-interactive loop: samples are paced on the
 * monotonic clock with absolute sleeps, so the interval does not drift by
 * the cost of a sample; SIGINT/SIGTERM end the sampling between two
 * samples and the trace keeps what was sampled.  The player paces its own
 * samples (ui.c) and never installs these handlers.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include "attach.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace/outfile.h"
#include "trace/trace.h"
#include "probe.h"
#include "pagefeed.h"
#include "sample.h"
#include "trace/trace_write.h"
#include "vm/mem_populate.h"
#include "vm/vm.h"

static volatile sig_atomic_t at_signal;

/* SIGINT/SIGTERM: stop after the current sample. */
static void
at_on_signal(int sig)
{
	at_signal = sig;
}

/* Milliseconds on the monotonic clock. */
static double
at_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The command name of PID into BUF ("?" when unreadable). */
static void
proc_comm(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	snprintf(buf, len, "pid%d", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0')
		snprintf(buf, len, "pid%d", pid);
	fclose(f);
}

/* The state letter of PID from /proc/PID/stat ('R', 'S', 'Z', ...; '?'
 * when unreadable).  The command name in parentheses may hold anything,
 * so the state is the first field after the last ')'. */
static char
proc_state(int pid)
{
	char path[64], buf[512];
	const char *paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return '?';
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren != NULL && paren[1] == ' ' && paren[2] != '\0' ? paren[2] : '?';
}

/* Per-process state. */
struct at_proc {
	int pid;
	char name[48];
	struct pm_snap snap;
	struct pm_feed *feed;        /* pagemap, read beside smaps (NULL: none yet) */
	bool *missing;               /* per mapping of snap: pages not read beside */
	size_t last_n;               /* mappings at the last sample */
	bool pages_ok;               /* pagemap readable */
	bool sampled;                /* still sampled (not exited or refused) */
};

/* A sampling session (attach.h). */
struct attach {
	struct attach_opts o;
	struct at_proc p[ATTACH_MAX_PROCS];
	size_t np;                   /* in use: the pids given, then children */
	struct pm_sampler *pm;
	struct trace *t;             /* every sample, in memory */
	struct trace_writer *w;      /* -o, opened at the first read */
	bool write_failed;
	bool failed;                 /* a sample ended in ATTACH_ERROR */
	size_t nsamples;
	double t_start;
	uint32_t page_size;
};

/* Open a session (attach.h). */
struct attach *
attach_open(const struct attach_opts *o, char *err, size_t errlen)
{
	struct attach *a = calloc(1, sizeof *a);
	const char *tasks[2];
	char title[200];

	if (a == NULL || (a->pm = pm_sampler_new()) == NULL) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->o = *o;
	a->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	pm_sampler_set_letters(a->pm, 1024);
	for (size_t i = 0; i < o->npids; i++) {
		char path[64];

		a->p[i].pid = o->pids[i];
		snprintf(path, sizeof path, "/proc/%d", a->p[i].pid);
		if (access(path, F_OK) != 0) {
			snprintf(err, errlen, "no process %d", a->p[i].pid);
			pm_sampler_free(a->pm);
			free(a);
			return NULL;
		}
		proc_comm(a->p[i].pid, a->p[i].name, sizeof a->p[i].name);
		if (proc_state(a->p[i].pid) == 'Z') {
			snprintf(err, errlen, "process %d (%s) is a zombie: it has exited and has no "
			         "memory left to sample", a->p[i].pid, a->p[i].name);
			pm_sampler_free(a->pm);
			free(a);
			return NULL;
		}
		a->p[i].pages_ok = true;
		a->p[i].sampled = true;
	}
	if (o->npids == 2 && strcmp(a->p[0].name, a->p[1].name) == 0) {
		for (size_t i = 0; i < 2; i++) {
			size_t l = strlen(a->p[i].name);

			snprintf(a->p[i].name + (l < 32 ? l : 32), sizeof a->p[i].name - (l < 32 ? l : 32),
			         "-%d", a->p[i].pid);
		}
	}
	if (o->npids == 2)
		snprintf(title, sizeof title, "vmscope attach: %s (pid %d) and %s (pid %d)",
		         a->p[0].name, a->p[0].pid, a->p[1].name, a->p[1].pid);
	else
		snprintf(title, sizeof title, "vmscope attach: %s (pid %d)", a->p[0].name, a->p[0].pid);
	tasks[0] = a->p[0].name;
	tasks[1] = a->p[1].name;
	a->t = trace_new(o->out != NULL ? o->out : "attach", title, "linux", a->page_size, tasks,
	                 o->npids);
	if (a->t == NULL) {
		snprintf(err, errlen, "out of memory");
		pm_sampler_free(a->pm);
		free(a);
		return NULL;
	}
	a->np = o->npids;
	/* --follow: task names for the children to come, named when forked. */
	for (size_t i = o->npids; o->follow && i < ATTACH_MAX_PROCS; i++) {
		char name[32];

		snprintf(name, sizeof name, "(child %zu)", i - o->npids + 1);
		if (trace_task_add(a->t, name, true) != (int)i) {
			snprintf(err, errlen, "out of memory");
			trace_free(a->t);
			pm_sampler_free(a->pm);
			free(a);
			return NULL;
		}
	}
	a->t_start = at_now();
	return a;
}

/* Open the output file and write its header (at the first read, when
 * whether pagemap is readable is known).  Returns 0 or -1 with ERR. */
static int
at_open_writer(struct attach *a, const struct at_proc *q, char *err, size_t errlen)
{
	const char *tasks[2] = { a->p[0].name, a->p[1].name };
	const char *notes[3];
	struct tw_header h;
	struct trace_machine machine;
	size_t nn = 0;

	a->w = trace_writer_open(a->o.out, err, errlen);
	if (a->w == NULL)
		return -1;
	trace_writer_set_line_flush(a->w, true);
	notes[nn++] = "observations of live processes by vmscope attach: every mapping, "
	              "named by its smaps path; no events, so check has nothing to compare";
	notes[nn++] = pm_sampler_counts(a->pm)
	    ? "map counts observed (pagemap PFNs, /proc/kpagecount, /proc/kpageflags)"
	    : "not root: no PFNs or map counts; ref_count only where smaps implies it";
	if (!q->pages_ok)
		notes[nn++] = "pagemap unreadable: per-page classes and zero pages not observed";
	memset(&h, 0, sizeof h);
	h.title = a->t->title;
	h.profile = "linux";
	h.tasks = tasks;
	h.ntasks = a->o.npids;
	h.page_size = a->page_size;
	lx_probe(&machine);
	h.machine = &machine;
	h.notes = notes;
	h.nnotes = nn;
	if (trace_writer_header(a->w, &h) != 0) {
		snprintf(err, errlen, "%s: cannot write the header", a->o.out);
		return -1;
	}
	return 0;
}

int
attach_only_parse(const char *s, unsigned *out, size_t *bad)
{
	static const struct { const char *name; unsigned bit; } kinds[] = {
		{ "anon", ATTACH_ONLY_ANON }, { "file", ATTACH_ONLY_FILE },
		{ "heap", ATTACH_ONLY_HEAP }, { "stack", ATTACH_ONLY_STACK },
	};
	const char *p = s;

	*out = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (strlen(kinds[i].name) == n && strncmp(p, kinds[i].name, n) == 0)
				break;
		if (i == sizeof kinds / sizeof kinds[0]) {
			*bad = (size_t)(p - s);
			return -1;
		}
		*out |= kinds[i].bit;
		p += n + (p[n] == ',');
	}
	return *out != 0 ? 0 : (*bad = 0, -1);
}

/* Does mapping V pass --only and --min-size? */
static bool
at_keep(const struct attach_opts *o, const struct pm_vma *v)
{
	const char *p = v->path;
	unsigned kind = p[0] == '/' ? ATTACH_ONLY_FILE
	              : p[0] == '\0' || strncmp(p, "[anon", 5) == 0 ? ATTACH_ONLY_ANON
	              : strcmp(p, "[heap]") == 0 ? ATTACH_ONLY_HEAP
	              : strncmp(p, "[stack", 6) == 0 ? ATTACH_ONLY_STACK : 0;

	if (v->end - v->start < o->min_size)
		return false;
	return o->only == 0 || (kind & o->only) != 0;
}

/* The loader's form of the observed region O of mapping V. */
static void
at_trace_region(struct attach *a, const struct pm_vma *v, const struct tw_obs_region *o,
                struct trace_obs_region *r)
{
	memset(r, 0, sizeof *r);
	r->start = o->start;
	r->end = o->end;
	r->name = trace_intern(a->t, o->name);
	r->have = (uint16_t)o->have;          /* TOBS_* = TOBS_* */
	r->prot = o->prot;
	r->max_prot = o->max_prot;
	r->share_mode = o->share_mode;
	r->ref_count = o->ref_count;
	r->pages_resident = o->pages_resident;
	r->pages_dirtied = o->pages_dirtied;
	r->pages_swapped = o->pages_swapped;
	r->pages_private = o->pages_private;
	r->pages_cow = o->pages_cow;
	r->pages_shared = o->pages_shared;
	r->pages_zero = o->pages_zero;
	/* The loader reads the same from x_vmflags. */
	if (v->mergeable)
		r->xflags |= TOBSX_MERGEABLE;
}

/*
 * An observation being made: its regions go to the file one by one
 * (trace_writer_obs_*) and to an array the trace then keeps (no copy).
 * It is begun before smaps is read to its end when it can be (at_stream).
 */
struct at_obs {
	struct attach *a;
	size_t i;                    /* the process */
	size_t sample;
	char mark[32];               /* "sample N" (the first process's) */
	double t0;                   /* when the sample began */
	struct pm_feed *feed;        /* the pagemap thread, or NULL */
	bool begun;                  /* at_obs_begin done */
	bool writing;                /* ... with trace_writer_obs_begin */
	bool opened;                 /* the file was opened for it (the first sample) */
	bool stop;                   /* no more before smaps is read whole */
	size_t next;                 /* the snapshot's mappings taken */
	size_t streamed;             /* ... of which while smaps was read */
	struct trace_obs_region *tregs;
	size_t nr, cap;
	int err;                     /* a write failed */
};

/* Begin observation OB: the array, and the file's lines when open. */
static int
at_obs_begin(struct at_obs *ob, size_t hint)
{
	struct attach *a = ob->a;
	struct at_proc *q = &a->p[ob->i];
	struct tw_event e;
	struct tw_ext ext[2];

	ob->cap = hint ? hint : 1;
	if ((ob->tregs = malloc(ob->cap * sizeof *ob->tregs)) == NULL)
		abort();
	mem_populate(ob->tregs, ob->cap * sizeof *ob->tregs);
	ob->begun = true;
	if (a->w == NULL)
		return 0;
	memset(&e, 0, sizeof e);
	e.op = TOP_OBSERVE;
	e.task = q->name;
	if (ob->i == 0)
		e.mark = ob->mark;
	ext[0] = (struct tw_ext){ .key = "x_pid", .type = TW_EXT_UINT, .u = (uint64_t)q->pid };
	ext[1] = (struct tw_ext){ .key = "x_time_ms", .type = TW_EXT_UINT,
	                          .u = (uint64_t)(ob->t0 - a->t_start) };
	e.ext = ext;
	e.next = 2;
	ob->writing = true;
	return ob->err = trace_writer_obs_begin(a->w, &e);
}

/* Add mapping V (its pages taken, its strings resolved) to OB. */
static void
at_obs_add(struct at_obs *ob, const struct pm_vma *v)
{
	struct attach *a = ob->a;
	struct tw_obs_region o;
	struct tw_ext ext[4];

	if (!at_keep(&a->o, v))
		return;
	pm_obs_region(v, a->page_size, &o, ext);
	o.name = v->path[0] != '\0' ? v->path : NULL;
	if (ob->nr == ob->cap) {
		struct trace_obs_region *n = realloc(ob->tregs, 2 * ob->cap * sizeof *n);

		if (n == NULL)
			abort();
		mem_populate(n + ob->cap, ob->cap * sizeof *n);
		ob->tregs = n;
		ob->cap *= 2;
	}
	at_trace_region(a, v, &o, &ob->tregs[ob->nr++]);
	if (ob->writing && ob->err == 0)
		ob->err = trace_writer_obs_add(a->w, &o);
}

/* Take back observation OB, and the file when it was opened for it (its
 * process could not be read to the end). */
static void
at_obs_cancel(struct at_obs *ob)
{
	struct attach *a = ob->a;

	free(ob->tregs);
	ob->tregs = NULL;
	ob->begun = false;
	if (ob->opened) {                /* no file, as if never begun */
		trace_writer_abort(a->w);
		a->w = NULL;
	} else if (ob->writing && trace_writer_obs_cancel(a->w) != 0) {
		a->write_failed = true;
	}
	ob->writing = false;
}

/*
 * The smaps progress hook: the mappings parsed so far go to the pagemap
 * thread, and those whose pages it has read are written while the kernel
 * writes the rest of smaps -- not after it, on a core that was waiting.
 * Writing waits for the thread where it has not read that far; it never
 * begins when the file cannot take back a partial observation (standard
 * output), or on any doubt, leaving the rest to at_observe.
 */
static void
at_stream(void *arg, struct pm_snap *snap, size_t n)
{
	struct at_obs *ob = arg;
	struct attach *a = ob->a;
	struct at_proc *q = &a->p[ob->i];
	char err[512];

	pm_feed_push(ob->feed, snap, n);
	if (ob->stop || !pm_feed_has(ob->feed, ob->next))
		return;
	if (!ob->begun) {
		ob->stop = true;                 /* unless all goes well below */
		if (a->o.out == NULL || a->write_failed)
			return;
		if (a->w == NULL) {
			/* Standard output could not take back a header. */
			if (!outfile_uses_temp(a->o.out))
				return;
			if (at_open_writer(a, q, err, sizeof err) != 0) {
				trace_writer_abort(a->w);   /* tried again, and told, after */
				a->w = NULL;
				return;
			}
			ob->opened = true;
		}
		if (!trace_writer_obs_can_cancel(a->w) ||
		    at_obs_begin(ob, n > q->last_n ? n : q->last_n) != 0)
			return;
		ob->stop = false;
	}
	pm_snap_resolve(snap, ob->next, n);
	for (; ob->next < n; ob->next++) {
		struct pm_vma *v = &snap->v[ob->next];

		/* Written at once: its letters are the feed's, reused once a
		 * later batch is taken. */
		if (!pm_feed_take(ob->feed, v, ob->next))
			return;                  /* not read yet */
		at_obs_add(ob, v);
	}
}

/*
 * Append the observation of process I (just read) to the trace and the
 * file: the mappings at_stream did not take, then its end.  Returns 0 or
 * -1 (I/O).
 */
static int
at_observe(struct at_obs *ob)
{
	struct attach *a = ob->a;
	struct at_proc *q = &a->p[ob->i];
	struct trace_event te;

	if (!ob->begun && at_obs_begin(ob, q->snap.n) != 0)
		return -1;
	for (size_t j = ob->next; j < q->snap.n; j++)
		at_obs_add(ob, &q->snap.v[j]);
	if (ob->writing && ob->err == 0)
		ob->err = trace_writer_obs_end(a->w);
	memset(&te, 0, sizeof te);
	te.op = TOP_OBSERVE;
	te.task = (uint16_t)ob->i;
	/* The trace keeps the array (trace_append_take): no copy of it. */
	if (trace_append_take(a->t, &te, NULL, ob->i == 0 ? ob->mark : NULL, ob->tregs, ob->nr) != 0)
		abort();
	ob->tregs = NULL;
	return ob->err;
}

/* Append a note event with TEXT to the trace and the file. */
static void
at_note(struct attach *a, const char *text)
{
	struct trace_event te;
	struct tw_event e;

	memset(&te, 0, sizeof te);
	te.op = TOP_NOTE;
	te.region = trace_intern(a->t, text);
	if (te.region != 0 && trace_append(a->t, &te, NULL, NULL, NULL, 0) != 0)
		abort();
	if (a->w == NULL || a->write_failed)
		return;
	memset(&e, 0, sizeof e);
	e.op = TOP_NOTE;
	e.name = text;
	if (trace_writer_event(a->w, &e) != 0)
		a->write_failed = true;
}

/* Append formatted text to R's message (one sentence after another). */
static void __attribute__((format(printf, 2, 3)))
at_say(struct attach_result *r, const char *fmt, ...)
{
	size_t n = strlen(r->msg);
	va_list ap;

	if (n > 0 && n + 2 < sizeof r->msg) {
		memcpy(r->msg + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->msg + n, sizeof r->msg - n, fmt, ap);
	va_end(ap);
}

/* The parent pid of PID, or -1. */
static int
proc_ppid(int pid)
{
	char path[64], buf[512], *paren;
	FILE *f;
	int ppid = -1;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');   /* the command may hold spaces and parens */
	if (paren == NULL || sscanf(paren + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Is PID one of the session's processes? */
static bool
at_known(const struct attach *a, int pid)
{
	for (size_t i = 0; i < a->np; i++)
		if (a->p[i].pid == pid)
			return true;
	return false;
}

/* Process I forked CHILD: name its task, and write the fork event. */
static void
at_fork(struct attach *a, size_t i, int child, struct attach_result *res)
{
	struct at_proc *c = &a->p[a->np];
	struct trace_event te;
	struct tw_event e;
	char comm[32];

	memset(c, 0, sizeof *c);
	c->pid = child;
	proc_comm(child, comm, sizeof comm);
	snprintf(c->name, sizeof c->name, "%.30s-%d", comm, child);
	if (trace_task_rename(a->t, (uint16_t)a->np, c->name) != 0)
		return;
	memset(&te, 0, sizeof te);
	te.op = TOP_FORK;
	te.task = (uint16_t)i;
	te.task2 = (uint16_t)a->np;
	if (trace_append(a->t, &te, NULL, NULL, NULL, 0) != 0)
		abort();
	c->pages_ok = true;
	c->sampled = true;
	a->np++;
	at_say(res, "%s (pid %d) forked %s", a->p[i].name, a->p[i].pid, c->name);
	if (a->w == NULL || a->write_failed)
		return;
	memset(&e, 0, sizeof e);
	e.op = TOP_FORK;
	e.task = a->p[i].name;
	e.task2 = c->name;
	if (trace_writer_event(a->w, &e) != 0)
		a->write_failed = true;
}

/* A child followed (process I) exited: its exit event. */
static void
at_exit(struct attach *a, size_t i)
{
	struct trace_event te;
	struct tw_event e;

	memset(&te, 0, sizeof te);
	te.op = TOP_EXIT;
	te.task = (uint16_t)i;
	if (trace_append(a->t, &te, NULL, NULL, NULL, 0) != 0)
		abort();
	if (a->w == NULL || a->write_failed)
		return;
	memset(&e, 0, sizeof e);
	e.op = TOP_EXIT;
	e.task = a->p[i].name;
	if (trace_writer_event(a->w, &e) != 0)
		a->write_failed = true;
}

/* --follow: every new child of a sampled process becomes a task, with a
 * fork event, at the first sample that sees it (a scan of /proc). */
static void
at_follow(struct attach *a, struct attach_result *res)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (d == NULL)
		return;
	while (a->np < ATTACH_MAX_PROCS && (de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int ppid;

		if (*end != '\0' || pid <= 0 || at_known(a, (int)pid))
			continue;
		ppid = proc_ppid((int)pid);
		for (size_t i = 0; ppid > 0 && i < a->np; i++)
			if (a->p[i].pid == ppid && a->p[i].sampled) {
				at_fork(a, i, (int)pid, res);
				break;
			}
	}
	closedir(d);
}


/*
 * The pages of process Q's mappings that the pagemap thread did not read
 * (it failed, or the mapping was not pushed), from mapping FROM on (those
 * before were taken while smaps was read): they are read here.  Returns
 * PM_*.
 */
static int
at_pages_rest(struct attach *a, struct at_proc *q, size_t from, bool fed, char *err,
              size_t errlen)
{
	size_t nmiss = 0;
	bool *miss = realloc(q->missing, (q->snap.n ? q->snap.n : 1) * sizeof *miss);

	if (miss == NULL) {
		snprintf(err, errlen, "out of memory");
		return PM_ERR;
	}
	q->missing = miss;
	for (size_t k = 0; k < q->snap.n; k++) {
		miss[k] = k >= from && !(fed && pm_feed_take(q->feed, &q->snap.v[k], k));
		nmiss += miss[k];
	}
	return nmiss == 0 ? PM_OK : pm_read_pages(a->pm, q->pid, &q->snap, miss, err, errlen);
}

/*
 * Read process Q: smaps here and, when pagemap is readable, its pagemap
 * entries on a second thread at the same time, mapping by mapping as the
 * parse finds them (pagefeed.h) -- the kernel's smaps text is most of a
 * sample's cost, and the page walk no longer waits for it.  The mappings
 * read so far go to the trace while the rest of smaps is read (at_stream
 * into OB).  Returns PM_*; a refused pagemap only stops the page view.
 */
static int
at_read(struct attach *a, struct at_obs *ob, struct attach_result *res, char *err,
        size_t errlen)
{
	struct at_proc *q = &a->p[ob->i];
	char ferr[256];
	double ms = 0;
	bool threaded = false;
	int st;

	if (q->pages_ok && q->feed == NULL)
		q->feed = pm_feed_new();
	if (q->pages_ok && q->feed != NULL && pm_feed_begin(q->feed, a->pm, q->pid)) {
		threaded = true;
		ob->feed = q->feed;
		q->snap.progress = at_stream;
		q->snap.progress_arg = ob;
	}
	st = pm_read_smaps(a->pm, q->pid, &q->snap, err, errlen);
	q->snap.progress = NULL;
	ob->streamed = ob->next;
	ob->feed = NULL;
	if (threaded) {
		if (st == PM_OK)
			pm_feed_push(q->feed, &q->snap, q->snap.n);
		/* What it could not read (it failed) is read below. */
		(void)pm_feed_end(q->feed, &ms, ferr, sizeof ferr);
	}
	q->snap.ms_pages = ms;
	if (st != PM_OK || !q->pages_ok)
		return st;
	st = at_pages_rest(a, q, ob->next, threaded, err, errlen);
	if (st == PM_DENIED) {
		at_say(res, "%s; sampling smaps only", err);
		q->pages_ok = false;
		return PM_OK;
	}
	return st;
}

/* Take one sample (attach.h). */
int
attach_sample(struct attach *a, struct attach_result *res)
{
	const struct attach_opts *o = &a->o;
	size_t nev = a->t->nev, left = 0;
	double t0 = at_now();
	char err[512];
	int status = ATTACH_OK;
	bool any = false;

	memset(res, 0, sizeof *res);
	if (o->follow)
		at_follow(a, res);
	for (size_t i = 0; i < a->np; i++) {
		struct at_proc *q = &a->p[i];
		struct attach_cost *c = &res->cost[i];
		double t_sample = at_now(), ts;
		struct at_obs ob = { .a = a, .i = i, .sample = a->nsamples + 1, .t0 = t0 };
		int st;

		if (!q->sampled)
			continue;
		snprintf(ob.mark, sizeof ob.mark, "sample %zu", ob.sample);
		st = at_read(a, &ob, res, err, sizeof err);
		if (st != PM_OK && (ob.begun || ob.opened))
			at_obs_cancel(&ob);
		if (st == PM_GONE) {
			char note[200];

			q->sampled = false;
			snprintf(note, sizeof note, "process %d (%s) exited after %zu sample%s",
			         q->pid, q->name, a->nsamples, a->nsamples == 1 ? "" : "s");
			at_note(a, note);
			if (i >= o->npids) {   /* a child followed: it exits, the rest go on */
				at_exit(a, i);
				at_say(res, "%s", note);
				continue;
			}
			if (!o->keep_going) {
				at_say(res, "%s; stopping%s", note,
				       a->w != NULL ? " (the trace keeps what was sampled)" : "");
				status = ATTACH_ENDED;
				break;
			}
			at_say(res, "%s; sampling it stops", note);
			continue;
		}
		if (st != PM_OK) {
			at_say(res, "%s%s", err, st == PM_DENIED ? " (another user's process: run as "
			       "that user or as root)" : "");
			q->sampled = false;
			if (!o->keep_going || a->nsamples == 0) {
				status = ATTACH_ERROR;
				break;
			}
			continue;
		}
		ts = at_now();
		if (o->out != NULL && a->w == NULL && !a->write_failed &&
		    at_open_writer(a, q, err, sizeof err) != 0) {
			trace_writer_abort(a->w);
			a->w = NULL;
			a->write_failed = true;
			at_say(res, "%s", err);
			status = ATTACH_ERROR;
			break;
		}
		if (at_observe(&ob) != 0) {
			a->write_failed = true;
			at_say(res, "%s: write error", o->out);
			status = ATTACH_ERROR;
			break;
		}
		c->sampled = true;
		c->nmaps = q->last_n = q->snap.n;
		c->ms_smaps = q->snap.ms_smaps;
		c->ms_pages = q->snap.ms_pages;
		c->ms_write = at_now() - ts;
		c->nstreamed = ob.streamed;
		c->ms = at_now() - t_sample;
	}
	for (size_t i = 0; i < a->np; i++) {
		left += a->p[i].sampled;
		any = any || res->cost[i].sampled;
	}
	res->nevents = a->t->nev - nev;
	res->ms = at_now() - t0;
	if (status == ATTACH_OK && left == 0)
		status = ATTACH_ENDED;
	/* A sample counts when it completed (keep_going: when anything was read). */
	if (o->keep_going ? status != ATTACH_ERROR && any : status == ATTACH_OK)
		res->sample = ++a->nsamples;
	if (status == ATTACH_ERROR)
		a->failed = true;
	return status;
}

/* The session's trace. */
struct trace *
attach_trace(const struct attach *a)
{
	return a->t;
}

/* Samples taken so far. */
size_t
attach_nsamples(const struct attach *a)
{
	return a->nsamples;
}

/* Process I of the session. */
int
attach_process(const struct attach *a, size_t i, const char **name, bool *sampled)
{
	if (i >= a->np)
		return 0;
	if (name != NULL)
		*name = a->p[i].name;
	if (sampled != NULL)
		*sampled = a->p[i].sampled;
	return a->p[i].pid;
}

/* Finish the session (attach.h). */
int
attach_close(struct attach *a, char *msg, size_t msglen)
{
	char err[512];
	int status = 0;

	if (msglen > 0)
		msg[0] = '\0';
	if (a == NULL)
		return 0;
	if (a->w != NULL) {
		if (a->nsamples == 0 && a->failed) {
			trace_writer_abort(a->w);
		} else if (trace_writer_close(a->w, err, sizeof err) != 0) {
			snprintf(msg, msglen, "%s", err);
			status = 1;
		} else {
			snprintf(msg, msglen, "wrote %zu sample%s to %s", a->nsamples,
			         a->nsamples == 1 ? "" : "s", a->o.out);
		}
	}
	for (size_t i = 0; i < a->np; i++) {
		pm_snap_free(&a->p[i].snap);
		pm_feed_free(a->p[i].feed);
		free(a->p[i].missing);
	}
	trace_free(a->t);
	pm_sampler_free(a->pm);
	free(a);
	return status;
}

/* Print the cost line of each process sampled in R. */
static void
at_print_costs(const struct attach *a, const struct attach_result *r, size_t sample)
{
	for (size_t i = 0; i < a->np; i++) {
		const struct attach_cost *c = &r->cost[i];

		if (!c->sampled)
			continue;
		printf("sample %zu: pid %d (%s): %zu mappings, %.2f ms (smaps %.2f ms + pagemap "
		       "%.2f ms, writing %.2f ms", sample, a->p[i].pid, a->p[i].name, c->nmaps, c->ms,
		       c->ms_smaps, c->ms_pages, c->ms_write);
		if (c->nstreamed > 0)
			printf("; %zu mappings done while smaps was read", c->nstreamed);
		printf(")\n");
	}
	fflush(stdout);
}

/* Sample until done (attach.h). */
int
attach_run(const struct attach_opts *o)
{
	struct attach *a;
	struct sigaction sa, old_int, old_term;
	struct timespec next;
	char err[512];
	int status = 0;

	a = attach_open(o, err, sizeof err);
	if (a == NULL) {
		fprintf(o->msgs, "vmscope: attach: %s\n", err);
		return 1;
	}
	at_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = at_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	clock_gettime(CLOCK_MONOTONIC, &next);

	while (at_signal == 0 && (o->count == 0 || attach_nsamples(a) < o->count)) {
		struct attach_result r;
		size_t number = attach_nsamples(a) + 1;
		int st = attach_sample(a, &r);

		at_print_costs(a, &r, number);
		if (r.msg[0] != '\0')
			fprintf(o->msgs, "vmscope: attach: %s\n", r.msg);
		if (st == ATTACH_ERROR)
			status = 1;
		if (st != ATTACH_OK)
			break;
		if (o->count != 0 && attach_nsamples(a) >= o->count)
			break;
		next.tv_sec += o->interval_ms / 1000;
		next.tv_nsec += (long)(o->interval_ms % 1000) * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (at_signal == 0 &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	if (at_signal != 0)
		fprintf(o->msgs, "vmscope: attach: stopped by %s after %zu sample%s\n",
		        strsignal(at_signal), attach_nsamples(a), attach_nsamples(a) == 1 ? "" : "s");
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (attach_nsamples(a) == 0 && status == 0) {
		/* Every process was gone before its first sample: nothing to show. */
		fprintf(o->msgs, "vmscope: attach: no sample taken%s%s%s\n",
		        o->out != NULL ? "; " : "", o->out != NULL ? o->out : "",
		        o->out != NULL ? " not written" : "");
		status = 1;
	}
	if (attach_close(a, err, sizeof err) != 0)
		status = 1;
	if (err[0] != '\0')
		fprintf(o->msgs, "vmscope: attach: %s\n", err);
	return status;
}
