/* SPDX-License-Identifier: MIT */
/*
 * sample.c -- the /proc sampler shared by `vmscope record` and
 * `vmscope attach` (sample.h).
 *
 * smaps is parsed into pm_vma records, pagemap is read in runs of adjacent
 * mappings, the PFNs of a batch of runs are sorted and looked up in
 * /proc/kpagecount and /proc/kpageflags with one pread per cluster of
 * nearby PFNs, and the linux profile's observation of a mapping is derived
 * from both (pm_obs_region).  No curses.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include "sample.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace/bigarray.h"
#include "vm/mem_populate.h"
#include "vm/vm.h"

#define PM_READ_BUF (128u << 10)        /* smaps read buffer */
#define PM_CHUNK (128u << 10)           /* a reader thread's chunk */
#define PM_PRE 8192                     /* room before it for a line begun in the last */
#define PM_PIPE_MAX 4                   /* chunks a reader thread may be ahead */
#define PM_MAX_RUN_PAGES (1u << 18)     /* pagemap entries per pread (and per batch) */
#define PM_MAX_VMA_PAGES (1u << 22)     /* larger mappings: no per-page view */
#define PM_WIN 8                        /* kpage window of the unbatched reference path */
#define PM_KRUN 8192                    /* kpagecount/kpageflags entries per pread */
#define PM_KGAP 8                       /* PFN gap still read through, not split */
#define PM_KEY_IDX_BITS 18              /* a sort key: PFN << 18 | entry index */
#define PM_KEY_PFN_LIMIT (1ull << (64 - PM_KEY_IDX_BITS))   /* larger PFNs: unbatched */
#define PM_NO_SLOT UINT32_MAX
#define PM_EXCL_SLOT (UINT32_MAX - 1)           /* pagemap: mapped exclusively (count 1) */
_Static_assert(PM_MAX_RUN_PAGES == 1u << PM_KEY_IDX_BITS, "an entry index fills the key's low bits");



/* The page size of this machine: /proc/PID/pagemap has one entry per page
 * of it (4K on x86-64, 4K/16K/64K on arm64 -- never assumed). */
static uint64_t
pm_page_size(void)
{
	static uint64_t ps;

	if (ps == 0) {
		long v = sysconf(_SC_PAGESIZE);

		ps = v > 0 ? (uint64_t)v : 4096;
	}
	return ps;
}

/* Milliseconds since an arbitrary point. */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A window of one of the kpage files. */
struct kwin {
	uint64_t base;
	size_t n;
	uint64_t v[PM_WIN];
};

struct pm_sampler {
	int kcount, kflags;             /* -1 when unreadable */
	bool counts;                    /* PFNs visible and both files readable */
	bool unbatched;                 /* VMSCOPE_PM_UNBATCHED: the per-page reference path */
	size_t short_reads;             /* VMSCOPE_FAULT_PAGEMAP_SHORT: fault injection,
	                                   pagemap reads of at most this many bytes */
	size_t letters_max;
	uint64_t *pm;                   /* pagemap entries of a batch (PM_MAX_RUN_PAGES) */
	struct kwin wc, wf;             /* unbatched: one window per file */
	/* Batched: sort keys (PFN, entry index), the distinct PFNs of a batch
	 * in order with what the kpage files say of each, and each entry's
	 * slot among them. */
	uint64_t *key, *pfn, *cnt;
	uint8_t *kst;                   /* KST_* */
	uint32_t *slot;                 /* per entry of pm: index in pfn, or PM_NO_SLOT */
	size_t npfn, keycap;
	uint64_t *kbc, *kbf;            /* pread buffers (PM_KRUN entries each) */
	size_t *eoff;                   /* per mapping: offset of its entries in pm, or SIZE_MAX */
	size_t eoffcap;
};

enum { KST_UNREAD = 0, KST_READ = 1, KST_ZERO = 2 };

/* Open the system-wide page files when readable. */
struct pm_sampler *
pm_sampler_new(void)
{
	struct pm_sampler *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->pm = malloc(PM_MAX_RUN_PAGES * sizeof *s->pm);
	if (s->pm == NULL) {
		free(s);
		return NULL;
	}
	s->letters_max = 4096;
	{
		const char *ub = getenv("VMSCOPE_PM_UNBATCHED");

		const char *fs = getenv("VMSCOPE_FAULT_PAGEMAP_SHORT");

		s->unbatched = ub != NULL && ub[0] != '\0' && strcmp(ub, "0") != 0;
		s->short_reads = fs != NULL ? (size_t)strtoul(fs, NULL, 10) / 8 * 8 : 0;
	}
	s->kcount = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	s->kflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (s->kcount >= 0 && s->kflags >= 0) {
		/* PFNs are zeroed without CAP_SYS_ADMIN: look at one of ours. */
		static volatile unsigned char probe[64];
		uintptr_t a = (uintptr_t)probe;
		int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		uint64_t e = 0;

		*(volatile unsigned char *)a = 1;
		if (fd >= 0 &&
		    pread(fd, &e, sizeof e, (off_t)(a / pm_page_size() * 8)) == (ssize_t)sizeof e &&
		    (e & PM_PRESENT) && (e & PM_PFN_MASK) != 0)
			s->counts = true;
		if (fd >= 0)
			close(fd);
	}
	return s;
}

/* Close the sampler's files. */
void
pm_sampler_free(struct pm_sampler *s)
{
	if (s == NULL)
		return;
	if (s->kcount >= 0)
		close(s->kcount);
	if (s->kflags >= 0)
		close(s->kflags);
	free(s->pm);
	free(s->key);
	free(s->slot);
	free(s->pfn);
	free(s->cnt);
	free(s->kst);
	free(s->kbc);
	free(s->kbf);
	free(s->eoff);
	free(s);
}

/* Whether map counts are observable. */
bool
pm_sampler_counts(const struct pm_sampler *s)
{
	return s->counts;
}

/* Per-page letters only for mappings up to N pages. */
void
pm_sampler_set_letters(struct pm_sampler *s, size_t max_pages)
{
	s->letters_max = max_pages;
}

/* Entry PFN of a kpage file through window W; false when unreadable. */
static bool
kwin_get(int fd, struct kwin *w, uint64_t pfn, uint64_t *out)
{
	if (w->n == 0 || pfn < w->base || pfn >= w->base + w->n) {
		uint64_t base = pfn - pfn % PM_WIN;
		ssize_t n = pread(fd, w->v, sizeof w->v, (off_t)(base * 8));

		if (n < 8) {
			w->n = 0;
			return false;
		}
		w->base = base;
		w->n = (size_t)n / 8;
		if (pfn >= w->base + w->n)
			return false;
	}
	*out = w->v[pfn - w->base];
	return true;
}

/* Parse "N kB" at P (the line ends at END). */
static uint64_t
kb_value(const char *p, const char *end)
{
	uint64_t v = 0;

	/* The value is right-aligned after its name: skip the padding by words. */
	for (;;) {
		uint64_t w;

		if (end - p < 8)
			break;
		memcpy(&w, p, 8);
		if (w != 0x2020202020202020ull)
			break;
		p += 8;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v * 1024;
}

/* Parse a hex number at *P, advancing it. */
static uint64_t
hex_value(const char **p)
{
	uint64_t v = 0;

	for (;;) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint64_t)(c - 'A' + 10);
		else
			return v;
		(*p)++;
	}
}

/* Is LINE (NUL-terminated) a maps header line? */
static bool
is_header(const char *l)
{
	return (*l >= '0' && *l <= '9') || (*l >= 'a' && *l <= 'f');
}

/* Parse the maps header line L (modified in place) into V. */
static void
parse_header(char *l, struct pm_vma *v)
{
	const char *p = l;
	int field = 0;

	memset(v, 0, sizeof *v);
	v->start = hex_value(&p);
	if (*p == '-')
		p++;
	v->end = hex_value(&p);
	while (*p == ' ')
		p++;
	memcpy(v->perms, p, 4);
	v->perms[4] = '\0';
	v->prot = (uint8_t)((p[0] == 'r' ? VM_PROT_READ : 0) | (p[1] == 'w' ? VM_PROT_WRITE : 0) |
	                    (p[2] == 'x' ? VM_PROT_EXECUTE : 0));
	v->shared = p[3] == 's';
	p += 4;
	/* offset, dev, inode, then the path (may hold spaces). */
	while (*p != '\0' && field < 3) {
		while (*p == ' ')
			p++;
		if (field == 0)
			v->offset = hex_value(&p);
		while (*p != '\0' && *p != ' ')
			p++;
		field++;
	}
	while (*p == ' ')
		p++;
	v->path = p;
}

/* Does the line L, N bytes long, begin with the string literal LIT? */
#define STARTS(l, n, lit) ((n) >= sizeof(lit) - 1 && memcmp((l), (lit), sizeof(lit) - 1) == 0)

/* Copy N bytes at S, and a NUL, to SNAP's arena, unless one of the last
 * strings added is the same (most mappings share their VmFlags with a
 * neighbour, and a library's path with four: the arena of 20,000 mappings
 * stays a few kilobytes, not half a megabyte to fault in); returns their
 * offset (the arena may move until the snapshot is read), or SIZE_MAX
 * when out of memory. */
static size_t
arena_add(struct pm_snap *snap, const char *s, size_t n)
{
	size_t off = snap->paths_len;
	unsigned nr = snap->nrecent < 8 ? snap->nrecent : 8;

	for (unsigned i = 0; i < nr; i++)
		if (snap->recent[i][1] == n && memcmp(snap->paths + snap->recent[i][0], s, n) == 0)
			return snap->recent[i][0];

	if (snap->paths_cap - snap->paths_len < n + 1) {
		size_t nc = snap->paths_cap;
		char *nb;

		if (off + n + 1 > UINT32_MAX ||
		    (nb = big_array_grow(snap->paths, &nc, off + n + 1)) == NULL)
			return SIZE_MAX;
		snap->paths = nb;
		snap->paths_cap = nc;
	}
	memcpy(snap->paths + off, s, n);
	snap->paths[off + n] = '\0';
	snap->paths_len += n + 1;
	snap->recent[snap->nrecent % 8][0] = (uint32_t)off;
	snap->recent[snap->nrecent % 8][1] = (uint32_t)n;
	snap->nrecent++;
	return off;
}

/* Keep the path of the header just parsed into V (it ends at END) in
 * SNAP's arena.  False when out of memory. */
static bool
keep_path(struct pm_snap *snap, struct pm_vma *v, const char *end)
{
	size_t off = arena_add(snap, v->path, (size_t)(end - v->path));

	v->path = NULL;
	v->path_off = (uint32_t)off;
	return off != SIZE_MAX;
}

/* Parse one smaps line L into SNAP; it ends at END, where a NUL is.  A
 * header starts a mapping, other lines fill the last one.  False when out
 * of memory. */
static bool
parse_line(struct pm_snap *snap, char *l, const char *end)
{
	struct pm_vma *v;
	size_t n = (size_t)(end - l);

	if (is_header(l)) {
		if (snap->n == snap->cap) {
			struct pm_vma *nv = big_array_grow(snap->v, &snap->v_bytes,
			                                   (snap->n + 1) * sizeof *nv);

			if (nv == NULL)
				return false;
			snap->v = nv;
			snap->cap = snap->v_bytes / sizeof *nv;
		}
		v = &snap->v[snap->n++];
		parse_header(l, v);
		return keep_path(snap, v, end);
	}
	if (snap->n == 0)
		return true;
	v = &snap->v[snap->n - 1];
	switch (l[0]) {
	case 'R':
		if (STARTS(l, n, "Rss:"))
			v->rss = kb_value(l + 4, end);
		break;
	case 'S':
		if (l[1] == 'h') {
			if (STARTS(l, n, "Shared_Clean:"))
				v->shared_clean = kb_value(l + 13, end);
			else if (STARTS(l, n, "Shared_Dirty:"))
				v->shared_dirty = kb_value(l + 13, end);
		} else if (STARTS(l, n, "Swap:")) {
			v->swap = kb_value(l + 5, end);
		}
		break;
	case 'P':
		if (l[1] == 'r') {
			if (STARTS(l, n, "Private_Clean:"))
				v->private_clean = kb_value(l + 14, end);
			else if (STARTS(l, n, "Private_Dirty:"))
				v->private_dirty = kb_value(l + 14, end);
		}
		break;
	case 'A':
		if (STARTS(l, n, "Anonymous:"))
			v->anon = kb_value(l + 10, end);
		break;
	case 'V':
		if (STARTS(l, n, "VmFlags:")) {
			const char *f = l + 8;
			size_t fl, off;
			uint8_t mp = 0;
			bool dc = false, mg = false;

			while (*f == ' ')
				f++;
			fl = (size_t)(end - f);
			if ((off = arena_add(snap, f, fl)) == SIZE_MAX)
				return false;
			v->vmflags_off = (uint32_t)off;
			v->have_vmflags = true;
			/* The two-letter flags, found anywhere (as strstr did). */
			for (const char *q = f; q[0] != '\0' && q[1] != '\0'; q++) {
				if (q[0] == 'm') {
					mp |= q[1] == 'r' ? VM_PROT_READ : q[1] == 'w' ? VM_PROT_WRITE
					                  : q[1] == 'e' ? VM_PROT_EXECUTE : 0;
					mg = mg || q[1] == 'g';
				} else if (q[0] == 'd' && q[1] == 'c') {
					dc = true;
				}
			}
			v->max_prot = mp;
			v->dontfork = dc;
			v->mergeable = mg;
		}
		break;
	}
	return true;
}

/* Parse the complete lines of BUF[0..LEN) into SNAP; returns the bytes
 * parsed (a partial last line stays), or SIZE_MAX when out of memory. */
static size_t
parse_lines(struct pm_snap *snap, char *buf, size_t len)
{
	char *l = buf, *end = buf + len;

	while (l < end) {
		char *nl = memchr(l, '\n', (size_t)(end - l));

		if (nl == NULL)
			break;
		*nl = '\0';
		if (!parse_line(snap, l, nl))
			return SIZE_MAX;
		l = nl + 1;
	}
	return (size_t)(l - buf);
}

/* ---- a reader thread ------------------------------------------------------- */

/*
 * smaps is read on a thread of its own while the caller parses what it has
 * read: the kernel writes the text (most of the cost) while the last chunk
 * is parsed.  Chunks of PM_CHUNK bytes go from the reader to the parser
 * through a queue and come back through a free list; the reader stays at
 * most PM_PIPE_MAX chunks ahead.  The parser parses a chunk where it
 * lies, not a copy: the line the last chunk ended in the middle of is
 * copied to just before it (PM_PRE bytes are kept free there), so that
 * 14 MB of text are not copied once more.
 */
struct pm_chunk {
	struct pm_chunk *next;
	size_t len;
	char buf[PM_PRE + PM_CHUNK];     /* the text from buf + PM_PRE */
};

struct pm_pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pm_chunk *head, *tail, *free, *cur;
	size_t queued;
	bool done, stop;
	int err, fd;
};

/* Take a chunk to fill (from the free list or new) into *C; false when
 * the parser stopped the reader (*C is then NULL), *C NULL when out of
 * memory. */
static bool
pipe_chunk(struct pm_pipe *pp, struct pm_chunk **c)
{
	bool stop;

	pthread_mutex_lock(&pp->mu);
	while (pp->queued >= PM_PIPE_MAX && !pp->stop)
		pthread_cond_wait(&pp->cv, &pp->mu);
	stop = pp->stop;
	*c = stop ? NULL : pp->free;
	if (*c != NULL)
		pp->free = (*c)->next;
	pthread_mutex_unlock(&pp->mu);
	if (*c == NULL && !stop && (*c = malloc(sizeof **c)) != NULL)
		mem_populate(*c, sizeof **c);
	return !stop;
}

/* Fill C from FD: the kernel gives smaps a page or so per read(2), and a
 * chunk goes to the parser only when full (or at the end), so that the two
 * threads meet a few dozen times, not once per read.  Returns the bytes
 * read, or -1 with errno when nothing was. */
static ssize_t
fill_chunk(int fd, struct pm_chunk *c)
{
	size_t len = 0;

	while (len < PM_CHUNK) {
		ssize_t n = read(fd, c->buf + PM_PRE + len, PM_CHUNK - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && len == 0)
			return -1;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* The reader thread: read PP->fd to its end, chunk by chunk. */
static void *
pipe_reader(void *arg)
{
	struct pm_pipe *pp = arg;
	int err = 0;

	for (;;) {
		struct pm_chunk *c;
		ssize_t n;

		if (!pipe_chunk(pp, &c))
			break;
		if (c == NULL) {
			err = ENOMEM;
			break;
		}
		n = fill_chunk(pp->fd, c);
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			free(c);
			break;
		}
		c->len = (size_t)n;
		c->next = NULL;
		pthread_mutex_lock(&pp->mu);
		if (pp->tail != NULL)
			pp->tail->next = c;
		else
			pp->head = c;
		pp->tail = c;
		pp->queued++;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	pthread_mutex_lock(&pp->mu);
	pp->done = true;
	pp->err = err;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* The reader thread's next chunk (the last one goes back to the free
 * list), or NULL at the end -- with errno set to the reader's error when
 * there was one, else 0. */
static struct pm_chunk *
pipe_next(struct pm_pipe *pp)
{
	struct pm_chunk *c = pp->cur;
	int err;

	pthread_mutex_lock(&pp->mu);
	if (c != NULL) {
		c->next = pp->free;
		pp->free = c;
	}
	while (pp->head == NULL && !pp->done)
		pthread_cond_wait(&pp->cv, &pp->mu);
	c = pp->head;
	if (c != NULL) {
		pp->head = c->next;
		if (pp->head == NULL)
			pp->tail = NULL;
		pp->queued--;
		pthread_cond_broadcast(&pp->cv);
	}
	err = pp->err;
	pthread_mutex_unlock(&pp->mu);
	pp->cur = c;
	errno = c == NULL ? err : 0;
	return c;
}

/* Stop the reader, wait for it, free every chunk. */
static void
pipe_close(struct pm_pipe *pp, pthread_t th)
{
	struct pm_chunk *lists[3];

	pthread_mutex_lock(&pp->mu);
	pp->stop = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	pthread_join(th, NULL);
	lists[0] = pp->head;
	lists[1] = pp->free;
	lists[2] = pp->cur;
	if (pp->cur != NULL)
		pp->cur->next = NULL;
	for (int i = 0; i < 3; i++)
		for (struct pm_chunk *c = lists[i], *nx; c != NULL; c = nx) {
			nx = c->next;
			free(c);
		}
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
}

/* Parse *BUF[0..LEN) into SNAP -- after a line dropped as too long when
 * *SKIP, from the end of that line -- and tell the progress hook.  *BUF
 * is moved to the partial last line; returns its length, or SIZE_MAX when
 * out of memory. */
static size_t
parse_part(struct pm_snap *snap, char **buf, size_t len, bool *skip)
{
	char *b = *buf;
	size_t used;

	if (*skip) {
		char *nl = memchr(b, '\n', len);

		if (nl == NULL)
			return 0;            /* all of it dropped */
		*skip = false;
		len -= (size_t)(nl + 1 - b);
		b = nl + 1;
	}
	if ((used = parse_lines(snap, b, len)) == SIZE_MAX)
		return SIZE_MAX;
	/* All but the last mapping are whole. */
	if (snap->progress != NULL && snap->n > 1)
		snap->progress(snap->progress_arg, snap, snap->n - 1);
	*buf = b + used;
	return len - used;
}

/* Keep the partial last line LEFT bytes at B in SNAP's buffer, unless it
 * is longer than PM_PRE (the kernel writes none: a path is at most
 * PATH_MAX): then it is dropped up to its end (*SKIP).  Returns the bytes
 * kept. */
static size_t
keep_partial(struct pm_snap *snap, const char *b, size_t left, bool *skip)
{
	if (left > PM_PRE) {
		*skip = true;
		return 0;
	}
	memmove(snap->text, b, left);
	return left;
}

/* Read FD to its end through SNAP's buffer of PM_READ_BUF bytes, parsing
 * each part as it arrives; the partial last line is left in the buffer
 * (*HAVE bytes).  Returns 0 or an errno; *TOTAL gets the bytes read. */
static int
parse_source(int fd, struct pm_snap *snap, size_t *have_out, size_t *total)
{
	size_t have = 0, left;
	bool skip = false;
	int e = 0;

	*total = 0;
	for (;;) {
		ssize_t n = read(fd, snap->text + have, PM_READ_BUF - have);
		char *b = snap->text;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = errno;
		if (n <= 0)
			break;
		*total += (size_t)n;
		if ((left = parse_part(snap, &b, have + (size_t)n, &skip)) == SIZE_MAX) {
			e = ENOMEM;
			break;
		}
		have = keep_partial(snap, b, left, &skip);
	}
	*have_out = have;
	return e;
}

/* parse_source from the reader thread's chunks, parsed where they lie:
 * the partial line of the last goes just before the next. */
static int
parse_pipe(struct pm_pipe *pp, struct pm_snap *snap, size_t *have_out, size_t *total)
{
	struct pm_chunk *c;
	size_t have = 0, left;
	bool skip = false;
	int e = 0;

	*total = 0;
	while ((c = pipe_next(pp)) != NULL) {
		char *b = c->buf + PM_PRE - have;

		memcpy(b, snap->text, have);
		*total += c->len;
		if ((left = parse_part(snap, &b, have + c->len, &skip)) == SIZE_MAX) {
			e = ENOMEM;
			break;
		}
		have = keep_partial(snap, b, left, &skip);
	}
	if (c == NULL)
		e = errno;
	*have_out = have;
	return e;
}

/* Parse FD's text into SNAP, with a reader thread when THREADED (and one
 * can be started).  Returns 0 or an errno. */
static int
parse_fd(int fd, bool threaded, struct pm_snap *snap, size_t *have, size_t *total)
{
	struct pm_pipe pp;
	pthread_t th;
	int e;

	if (threaded) {
		memset(&pp, 0, sizeof pp);
		pp.fd = fd;
		if (pthread_mutex_init(&pp.mu, NULL) == 0) {
			if (pthread_cond_init(&pp.cv, NULL) != 0) {
				pthread_mutex_destroy(&pp.mu);
			} else if (pthread_create(&th, NULL, pipe_reader, &pp) != 0) {
				pthread_cond_destroy(&pp.cv);
				pthread_mutex_destroy(&pp.mu);
			} else {
				e = parse_pipe(&pp, snap, have, total);
				pipe_close(&pp, th);
				return e;
			}
		}
	}
	return parse_source(fd, snap, have, total);
}

/* Point the paths and VmFlags of SNAP's mappings FROM..TO-1 into its
 * arena (valid until more is parsed into it). */
void
pm_snap_resolve(struct pm_snap *snap, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct pm_vma *v = &snap->v[i];

		v->path = snap->paths + v->path_off;
		v->vmflags = v->have_vmflags ? snap->paths + v->vmflags_off : "";
	}
}

/* Read /proc/PID/FILE (smaps or maps) into SNAP through a buffer of
 * PM_READ_BUF bytes, parsing each read as it arrives (while it is still in
 * the cache), the reads on a thread of their own when THREADED; only the
 * paths are kept. */
static int
read_maps_file(int pid, const char *file, bool threaded, struct pm_snap *snap, char *err,
               size_t errlen)
{
	char path[64];
	size_t have = 0, total = 0;
	int fd, e = 0;
	double t0 = now_ms();

	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	snap->n = 0;
	snap->paths_len = 0;
	snap->nrecent = 0;
	if (snap->text == NULL) {
		if ((snap->text = malloc(PM_READ_BUF + 1)) == NULL) {
			e = ENOMEM;
			goto fail;
		}
		mem_populate(snap->text, PM_READ_BUF);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	e = parse_fd(fd, threaded, snap, &have, &total);
	close(fd);
	if (e != 0)
		goto fail;
	if (total == 0) {
		/* A zombie or an exiting process reads empty. */
		snprintf(err, errlen, "%s is empty (the process is exiting)", path);
		return PM_GONE;
	}
	snap->text[have] = '\0';
	if (have > 0 && !parse_line(snap, snap->text, snap->text + have)) {
		e = ENOMEM;
		goto fail;
	}
	snap->len = total;
	pm_snap_resolve(snap, 0, snap->n);
	snap->ms_smaps = now_ms() - t0;
	return PM_OK;
fail:
	snap->n = 0;
	if (e == ENOMEM) {
		snprintf(err, errlen, "out of memory");
		return PM_ERR;
	}
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
	return e == ENOENT || e == ESRCH ? PM_GONE : e == EACCES || e == EPERM ? PM_DENIED : PM_ERR;
}

int
pm_read_smaps(struct pm_sampler *s, int pid, struct pm_snap *snap, char *err, size_t errlen)
{
	(void)s;
	return read_maps_file(pid, "smaps", sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	                      getenv("VMSCOPE_PM_ONE_THREAD") == NULL, snap, err, errlen);
}

/* Copy the page counts and letters that pm_read_pages found for V to D
 * (the same range, read apart: D's letters then point into V's snapshot). */
void
pm_vma_copy_pages(struct pm_vma *d, const struct pm_vma *v)
{
	d->have_pages = v->have_pages;
	d->have_counts = v->have_counts;
	d->pg_present = v->pg_present;
	d->pg_swapped = v->pg_swapped;
	d->pg_zero = v->pg_zero;
	d->pg_private = v->pg_private;
	d->pg_cow = v->pg_cow;
	d->pg_shared = v->pg_shared;
	d->pg_exclusive = v->pg_exclusive;
	d->max_mapcount = v->max_mapcount;
	d->pages = v->pages;
}

/* Append N letters to SNAP's arena; returns the offset or SIZE_MAX. */
static size_t
letters_reserve(struct pm_snap *snap, size_t n)
{
	size_t at = snap->letters_len;

	if (snap->letters_cap - snap->letters_len < n + 1) {
		size_t nc = snap->letters_cap ? snap->letters_cap : 4096;
		char *nb;

		while (nc - snap->letters_len < n + 1)
			nc *= 2;
		nb = realloc(snap->letters, nc);
		if (nb == NULL)
			return SIZE_MAX;
		snap->letters = nb;
		snap->letters_cap = nc;
	}
	snap->letters_len += n + 1;
	return at;
}

/* Sort V[0..N) ascending: LSD radix sort by bytes, skipping the bytes in
 * which every value agrees (PFNs share their high bytes).  TMP holds N. */
static void
sort_u64(uint64_t *v, uint64_t *tmp, size_t n)
{
	uint64_t all_or = 0, all_and = ~(uint64_t)0, *src = v, *dst = tmp;

	for (size_t i = 0; i < n; i++) {
		all_or |= v[i];
		all_and &= v[i];
	}
	for (unsigned sh = 0; sh < 64; sh += 8) {
		size_t count[256] = { 0 }, pos = 0;
		uint64_t *t;

		if ((((all_or ^ all_and) >> sh) & 0xff) == 0)
			continue;   /* the same byte everywhere: already in order */
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> sh) & 0xff]++;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> sh) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
}

/* Make room for the keys of N pagemap entries (and the sort's scratch
 * space) and as many distinct PFNs. */
static bool
keys_reserve(struct pm_sampler *s, size_t n)
{
	uint64_t *k, *p, *c;
	uint8_t *st;

	if (s->slot == NULL)
		s->slot = malloc(PM_MAX_RUN_PAGES * sizeof *s->slot);
	if (s->kbc == NULL)
		s->kbc = malloc(PM_KRUN * sizeof *s->kbc);
	if (s->kbf == NULL)
		s->kbf = malloc(PM_KRUN * sizeof *s->kbf);
	if (s->slot == NULL || s->kbc == NULL || s->kbf == NULL)
		return false;
	if (n <= s->keycap)
		return true;
	k = realloc(s->key, 2 * n * sizeof *k);   /* second half: sort scratch */
	if (k == NULL)
		return false;
	s->key = k;
	p = realloc(s->pfn, n * sizeof *p);
	if (p == NULL)
		return false;
	s->pfn = p;
	c = realloc(s->cnt, n * sizeof *c);
	if (c == NULL)
		return false;
	s->cnt = c;
	st = realloc(s->kst, n);
	if (st == NULL)
		return false;
	s->kst = st;
	s->keycap = n;
	mem_populate(k, 2 * n * sizeof *k);
	mem_populate(p, n * sizeof *p);
	mem_populate(c, n * sizeof *c);
	return true;
}

/* Read entries BASE.. of a kpage file into BUF, up to N of them; returns
 * how many were read (fewer at the end of the file). */
static size_t
kread(int fd, uint64_t *buf, size_t n, uint64_t base)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got * 8, (n - got) * 8, (off_t)((base + got) * 8));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 8)
			break;
		got += (size_t)r / 8;
	}
	return got;
}

/* Look up every distinct PFN of the pagemap entries s->pm[0..NE) in
 * /proc/kpagecount and /proc/kpageflags: the PFNs sorted (each with its
 * entry's index, so that every entry learns its slot among the distinct
 * PFNs), and one pread per file for each cluster of PFNs at most PM_KGAP
 * apart (and PM_KRUN long).  False when out of memory. */
static bool
kpages_batch(struct pm_sampler *s, size_t ne)
{
	size_t n = 0, d = 0;

	s->npfn = 0;
	if (!keys_reserve(s, ne))
		return false;
	mem_populate(s->slot, ne * sizeof *s->slot);
	for (size_t i = 0; i < ne; i++) {
		uint64_t x = s->pm[i], pfn = x & PM_PFN_MASK;

		/* Only these entries are looked up (classify); a page that
		 * pagemap says is mapped exclusively is mapped once, and
		 * never the zero page: nothing to look up. */
		if ((x & PM_PRESENT) && pfn != 0 && (x & PM_EXCLUSIVE)) {
			s->slot[i] = PM_EXCL_SLOT;
		} else if ((x & PM_PRESENT) && pfn != 0) {
			s->slot[i] = PM_NO_SLOT;
			if (pfn < PM_KEY_PFN_LIMIT)
				s->key[n++] = pfn << PM_KEY_IDX_BITS | i;
		}
	}
	sort_u64(s->key, s->key + s->keycap, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t pfn = s->key[i] >> PM_KEY_IDX_BITS;

		if (d == 0 || s->pfn[d - 1] != pfn)
			s->pfn[d++] = pfn;
		s->slot[s->key[i] & (PM_MAX_RUN_PAGES - 1)] = (uint32_t)(d - 1);
	}
	s->npfn = d;
	for (size_t i = 0; i < d;) {
		uint64_t base = s->pfn[i];
		size_t j = i + 1, len, nf, nc;

		while (j < d && s->pfn[j] - base < PM_KRUN && s->pfn[j] - s->pfn[j - 1] <= PM_KGAP)
			j++;
		len = (size_t)(s->pfn[j - 1] - base + 1);
		/* As the reference reads them: flags first, counts only where the
		 * flags were readable. */
		nf = kread(s->kflags, s->kbf, len, base);
		nc = nf > 0 ? kread(s->kcount, s->kbc, nf, base) : 0;
		for (size_t m = i; m < j; m++) {
			size_t off = (size_t)(s->pfn[m] - base);

			if (off < nf && off < nc) {
				s->cnt[m] = s->kbc[off];
				s->kst[m] = (s->kbf[off] & (1ull << KPF_ZERO_PAGE)) ? KST_ZERO : KST_READ;
			} else {
				s->cnt[m] = 0;
				s->kst[m] = KST_UNREAD;
			}
		}
		i = j;
	}
	return true;
}

/* What the kpage files say of PFN, the pagemap entry s->pm[IDX]: false when
 * unreadable, else its map count in *CNT and whether it is the zero page
 * in *ZERO. */
static bool
kpage_lookup(struct pm_sampler *s, uint64_t pfn, size_t idx, uint64_t *cnt, bool *zero)
{
	uint32_t m = s->unbatched ? PM_NO_SLOT : s->slot[idx];

	if (m == PM_EXCL_SLOT) {
		*cnt = 1;
		*zero = false;
		return true;
	}
	if (m == PM_NO_SLOT) {
		/* The reference path (and PFNs too large to be batched). */
		uint64_t fl = 0;

		if (!kwin_get(s->kflags, &s->wf, pfn, &fl) || !kwin_get(s->kcount, &s->wc, pfn, cnt))
			return false;
		*zero = (fl & (1ull << KPF_ZERO_PAGE)) != 0;
		return true;
	}
	if (s->kst[m] == KST_UNREAD)
		return false;
	*cnt = s->cnt[m];
	*zero = s->kst[m] == KST_ZERO;
	return true;
}

/* Start the page classification of V. */
static void
classify_begin(struct pm_sampler *s, struct pm_vma *v)
{
	v->have_pages = true;
	v->have_counts = s->counts;
}

/* Classify NPAGES pages of V from their pagemap entries E (in s->pm), one
 * letter each into LETTERS (unless NULL). */
static void
classify(struct pm_sampler *s, struct pm_vma *v, const uint64_t *e, size_t npages, char *letters)
{
	size_t idx0 = (size_t)(e - s->pm);

	for (size_t i = 0; i < npages; i++) {
		uint64_t x = e[i], pfn = x & PM_PFN_MASK, cnt = 0;
		bool zero = false;
		char c;

		if (!(x & PM_PRESENT)) {
			c = (x & PM_SWAPPED) ? 'w' : '.';
			v->pg_swapped += (x & PM_SWAPPED) != 0;
		} else {
			v->pg_present++;
			v->pg_exclusive += (x & PM_EXCLUSIVE) != 0;
			if (s->counts && pfn != 0 && kpage_lookup(s, pfn, idx0 + i, &cnt, &zero)) {
				if (zero) {
					c = 'z';
					v->pg_zero++;
				} else {
					if (cnt > v->max_mapcount)
						v->max_mapcount = (uint32_t)cnt;
					if (v->shared) {
						c = 's';
						v->pg_shared++;
					} else if (cnt >= 2) {
						c = 'c';
						v->pg_cow++;
					} else {
						c = 'p';
						v->pg_private++;
					}
				}
			} else {
				v->have_counts = false;
				c = v->shared ? 's' : (x & PM_EXCLUSIVE) ? 'p' : '?';
			}
		}
		if (letters != NULL)
			letters[i] = c;
	}
}

/* Room for the NP letters of mapping K of SNAP when it has at most
 * letters_max pages (their offset goes to LOFF[K], NUL-terminated); the
 * letters, or NULL. */
static char *
letters_for(struct pm_sampler *s, struct pm_snap *snap, size_t k, size_t np, size_t *loff)
{
	size_t at;

	if (np > s->letters_max || (at = letters_reserve(snap, np)) == SIZE_MAX)
		return NULL;
	loff[k] = at;
	snap->letters[at + np] = '\0';
	return snap->letters + at;
}

/* Classify mappings FIRST..LAST-1 of SNAP, whose pagemap entries are in
 * s->pm[0..USED) (eoff); their letters' offsets go to LOFF.  False when
 * out of memory. */
static bool
batch_flush(struct pm_sampler *s, struct pm_snap *snap, size_t first, size_t last, size_t used,
            size_t *loff)
{
	if (first == last || used == 0)
		return true;
	if (s->counts && !s->unbatched && !kpages_batch(s, used))
		return false;
	for (size_t k = first; k < last; k++) {
		struct pm_vma *v = &snap->v[k];
		size_t np = (size_t)((v->end - v->start) / pm_page_size());

		if (s->eoff[k] == SIZE_MAX)
			continue;
		classify_begin(s, v);
		classify(s, v, s->pm + s->eoff[k], np, letters_for(s, snap, k, np, loff));
	}
	return true;
}

/* Classify mapping K of SNAP, larger than the buffer, in buffer-sized
 * pieces.  Returns PM_OK (also when pagemap gave less than the whole
 * mapping: then it has no pages), PM_GONE or PM_ERR (out of memory). */
static int
read_large(struct pm_sampler *s, struct pm_snap *snap, int fd, size_t k, size_t *loff)
{
	struct pm_vma *v = &snap->v[k];
	uint64_t a = v->start / pm_page_size();
	size_t np = (size_t)((v->end - v->start) / pm_page_size());
	bool letters = letters_for(s, snap, k, np, loff) != NULL;

	classify_begin(s, v);
	for (size_t off = 0; off < np; off += PM_MAX_RUN_PAGES) {
		size_t n = np - off < PM_MAX_RUN_PAGES ? np - off : PM_MAX_RUN_PAGES;
		ssize_t got = pread(fd, s->pm, n * 8, (off_t)((a + off) * 8));

		if (got < 0 && (errno == ESRCH || errno == ENOENT))
			return PM_GONE;
		if (got < 0 || (size_t)got / 8 < n) {
			/* Beyond what pagemap gave: no pages, as for a small mapping. */
			v->have_pages = v->have_counts = false;
			v->pg_present = v->pg_swapped = v->pg_zero = v->pg_private = 0;
			v->pg_cow = v->pg_shared = v->pg_exclusive = v->max_mapcount = 0;
			loff[k] = SIZE_MAX;
			return PM_OK;
		}
		if (s->counts && !s->unbatched && !kpages_batch(s, n))
			return PM_ERR;
		classify(s, v, s->pm, n, letters ? snap->letters + loff[k] + off : NULL);
	}
	return PM_OK;
}

/* Read pagemap for the selected mappings of SNAP: runs of mappings (small
 * gaps read through) in one pread each, gathered into batches of up to
 * PM_MAX_RUN_PAGES entries whose PFNs are looked up together; a mapping
 * larger than that in pieces of that size. */
int
pm_read_pages(struct pm_sampler *s, int pid, struct pm_snap *snap, const bool *select,
              char *err, size_t errlen)
{
	char path[64];
	int fd, st;
	size_t i = 0, *loff, used = 0, bfirst = 0;
	double t0 = now_ms();

	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	s->wc.n = s->wf.n = 0;          /* counts change between samples */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		return e == ENOENT || e == ESRCH ? PM_GONE : e == EACCES || e == EPERM ? PM_DENIED
		                                                                       : PM_ERR;
	}
	snap->letters_len = 0;
	loff = malloc((snap->n ? snap->n : 1) * sizeof *loff);
	if (loff != NULL && snap->n > s->eoffcap) {
		size_t *ne = realloc(s->eoff, snap->n * sizeof *ne);

		if (ne != NULL) {
			s->eoff = ne;
			s->eoffcap = snap->n;
		}
	}
	mem_populate(loff, snap->n * sizeof *loff);
	mem_populate(s->eoff, snap->n * sizeof *s->eoff);
	if (loff == NULL || snap->n > s->eoffcap) {
		close(fd);
		free(loff);
		snprintf(err, errlen, "out of memory");
		return PM_ERR;
	}
	for (size_t k = 0; k < snap->n; k++)
		loff[k] = s->eoff[k] = SIZE_MAX;
	while (i < snap->n) {
		size_t j, want;
		uint64_t from, to;
		ssize_t got;

		if ((select != NULL && !select[i]) ||
		    (snap->v[i].end - snap->v[i].start) / pm_page_size() > PM_MAX_VMA_PAGES) {
			i++;
			continue;
		}
		if ((snap->v[i].end - snap->v[i].start) / pm_page_size() > PM_MAX_RUN_PAGES) {
			/* Larger than the buffer: on its own, in pieces. */
			if (!batch_flush(s, snap, bfirst, i, used, loff))
				goto oom;
			used = 0;
			st = read_large(s, snap, fd, i, loff);
			if (st == PM_GONE)
				goto gone;
			if (st != PM_OK)
				goto oom;
			bfirst = ++i;
			continue;
		}
		/* A run: following selected mappings with small gaps, within the buffer. */
		from = snap->v[i].start / pm_page_size();
		to = snap->v[i].end / pm_page_size();
		for (j = i + 1; j < snap->n; j++) {
			uint64_t a = snap->v[j].start / pm_page_size(), b = snap->v[j].end / pm_page_size();

			if ((select != NULL && !select[j]) || a < to || a - to > 64 ||
			    b - from > PM_MAX_RUN_PAGES)
				break;
			to = b;
		}
		if (to - from > PM_MAX_RUN_PAGES - used) {
			/* The batch is full: classify what it holds first. */
			if (!batch_flush(s, snap, bfirst, i, used, loff))
				goto oom;
			used = 0;
			bfirst = i;
		}
		want = (size_t)(to - from) * 8;
		if (s->short_reads != 0 && want > s->short_reads)
			want = s->short_reads;
		mem_populate(s->pm + used, want);
		got = pread(fd, s->pm + used, want, (off_t)(from * 8));
		if (got < 0 && (errno == ESRCH || errno == ENOENT))
			goto gone;
		/* A short read (the process unmapped or exited meanwhile): what
		 * pagemap did not give reads as "not present", never as whatever
		 * the buffer held (the batch looks up every entry's PFN). */
		if (got < (ssize_t)((to - from) * 8)) {
			size_t have = got > 0 ? (size_t)got / 8 : 0;

			memset(s->pm + used + have, 0, (size_t)(to - from - have) * 8);
		}
		for (size_t k = i; k < j; k++) {
			uint64_t a = snap->v[k].start / pm_page_size();
			uint64_t np = (snap->v[k].end - snap->v[k].start) / pm_page_size();

			if (got >= 0 && (uint64_t)got / 8 >= a - from + np)
				s->eoff[k] = used + (size_t)(a - from);
			/* else: beyond what pagemap gave */
		}
		used += (size_t)(to - from);
		i = j;
	}
	if (!batch_flush(s, snap, bfirst, snap->n, used, loff))
		goto oom;
	close(fd);
	for (size_t k = 0; k < snap->n; k++)
		if (select == NULL || select[k])
			snap->v[k].pages = loff[k] == SIZE_MAX ? NULL : snap->letters + loff[k];
	free(loff);
	snap->ms_pages = now_ms() - t0;
	return PM_OK;
gone:
	st = errno;
	close(fd);
	free(loff);
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(st));
	return PM_GONE;
oom:
	close(fd);
	free(loff);
	snprintf(err, errlen, "out of memory");
	return PM_ERR;
}

/* Free a snapshot's buffers. */
void
pm_snap_free(struct pm_snap *snap)
{
	big_array_free(snap->v, snap->v_bytes);
	free(snap->text);
	big_array_free(snap->paths, snap->paths_cap);
	free(snap->letters);
	memset(snap, 0, sizeof *snap);
}

/* The linux profile's observation of V. */
void
pm_obs_region(const struct pm_vma *v, uint32_t page_size, struct tw_obs_region *o,
              struct tw_ext ext[4])
{
	uint64_t ps = page_size;
	uint32_t res = (uint32_t)(v->rss / ps);
	uint32_t sh = (uint32_t)((v->shared_clean + v->shared_dirty) / ps);
	uint32_t pr = (uint32_t)((v->private_clean + v->private_dirty) / ps);
	size_t n = 0;

	memset(o, 0, sizeof *o);
	o->start = v->start;
	o->end = v->end;
	o->prot = v->prot;
	o->have = TOBS_PROT | TOBS_SHARE_MODE | TOBS_RESIDENT | TOBS_DIRTIED | TOBS_SWAPPED |
	          TOBS_PRIVATE | TOBS_COW | TOBS_SHARED;
	if (v->have_vmflags) {
		o->max_prot = v->max_prot;
		o->have |= TOBS_MAX_PROT;
	}
	o->pages_resident = res;
	o->pages_dirtied = (uint32_t)((v->shared_dirty + v->private_dirty) / ps);
	o->pages_swapped = (uint32_t)(v->swap / ps);
	if (v->shared) {
		o->pages_shared = res;
	} else {
		o->pages_private = pr;
		o->pages_cow = sh;
	}
	if (res == 0) {
		o->share_mode = SM_EMPTY;
		o->ref_count = 0;
		o->have |= TOBS_REF_COUNT;
	} else {
		o->share_mode = v->shared ? SM_SHARED : sh > 0 ? SM_COW : SM_PRIVATE;
		if (v->have_counts) {
			o->ref_count = v->max_mapcount;
			o->have |= TOBS_REF_COUNT;
		} else if (sh == 0) {
			o->ref_count = 1;      /* no page is mapped twice */
			o->have |= TOBS_REF_COUNT;
		}
	}
	if (v->have_counts) {
		o->pages_zero = v->pg_zero;
		o->have |= TOBS_ZERO;
	} else if (v->have_pages && v->pg_present >= res) {
		/* Present in pagemap, not counted by Rss: the zero page. */
		o->pages_zero = v->pg_present - res;
		o->have |= TOBS_ZERO;
	}
	ext[n++] = (struct tw_ext){ .key = "x_perms", .type = TW_EXT_STR, .s = v->perms };
	if (v->pages != NULL)
		ext[n++] = (struct tw_ext){ .key = "x_pages", .type = TW_EXT_STR, .s = v->pages };
	if (v->have_vmflags)
		ext[n++] = (struct tw_ext){ .key = "x_vmflags", .type = TW_EXT_STR, .s = v->vmflags };
	if (v->path != NULL && v->path[0] != '\0')
		ext[n++] = (struct tw_ext){ .key = "x_path", .type = TW_EXT_STR, .s = v->path };
	o->ext = ext;
	o->next = n;
}

/*
 * Set bit i of BITMAP ((NPAGES + 7) / 8 bytes, cleared here) when page i of
 * [A, A + NPAGES * PAGE_SIZE) in process PID holds data: present and not
 * the zero page, or swapped.  Without PFNs every present page counts.
 * Returns 0, or -1 when pagemap cannot be opened.
 */
int
pm_data_pages(struct pm_sampler *s, int pid, uint64_t a, uint64_t npages, uint32_t page_size,
              unsigned char *bitmap)
{
	char path[64];
	int fd;

	memset(bitmap, 0, (size_t)((npages + 7) / 8));
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	s->wc.n = s->wf.n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t e = 0, fl = 0;
		bool data;

		if (pread(fd, &e, 8, (off_t)((a / page_size + i) * 8)) != 8)
			break;
		data = (e & PM_SWAPPED) != 0;
		if (e & PM_PRESENT) {
			data = true;
			if (s->counts && (e & PM_PFN_MASK) != 0 &&
			    kwin_get(s->kflags, &s->wf, e & PM_PFN_MASK, &fl) &&
			    (fl & (1ull << KPF_ZERO_PAGE)))
				data = false;
		}
		if (data)
			bitmap[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	close(fd);
	return 0;
}
