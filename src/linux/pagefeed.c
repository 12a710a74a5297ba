/* SPDX-License-Identifier: MIT */
/*
 * pagefeed.c -- pagemap read beside the smaps parse (pagefeed.h).
 *
 * The parser hands over each mapping's range as it is parsed; the thread
 * takes what has gathered, at least FEED_BATCH_MIN mappings at a time (so
 * that a batch's PFNs are looked up together; the last of FEED_BATCHES
 * batches takes all the rest), and reads it with pm_read_pages into a
 * snapshot of its own, one per batch.  A batch is published (nb, under
 * the lock) only once read, and does not change while the parser may
 * look at it, so the parser's thread reads it without the lock, taking
 * the lock only to learn of more batches and to say which it is done with
 * (consumed): those lend their buffers to the next batches the thread
 * reads (feed_reuse).  No other list is read to learn the ranges: reading
 * /proc/PID/maps for them (860 KB of text for a process of 20,000
 * mappings) took about 10 ms of a core that the smaps parse and the
 * writing need (on two CPUs, a sample's three threads share them).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagefeed.h"
#include "vm/mem_populate.h"

#define FEED_BATCH_MIN 256
#define FEED_BATCHES 256

struct feed_range {
	uint64_t start, end;
	bool shared;
};

struct feed_batch {
	size_t first, n;             /* mappings first..first+n-1 of those pushed */
	struct pm_snap snap;         /* their pages (snap.v: vcap, from malloc) */
	size_t vcap;
};

struct pm_feed {
	struct pm_sampler *s;
	int pid;
	pthread_t th;
	bool running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* Under mu: the ranges pushed and not yet taken by the thread. */
	struct feed_range *in;
	size_t nin, incap;
	bool closed;
	size_t nb;                   /* batches 0..nb-1 are read and final */
	size_t pushed;               /* the parser's: mappings pushed */
	size_t cur;                  /* the parser's: pm_feed_take's batch */
	size_t seen;                 /* the parser's: nb when last looked */
	size_t consumed;             /* under mu: batches the parser is done with */
	/* The thread's. */
	struct feed_range *work;
	size_t workcap;
	struct feed_batch b[FEED_BATCHES];
	int st;                      /* PM_*, final once the thread ended */
	char err[256];
};

struct pm_feed *
pm_feed_new(void)
{
	struct pm_feed *f = calloc(1, sizeof *f);

	if (f == NULL)
		return NULL;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	return f;
}

void
pm_feed_free(struct pm_feed *f)
{
	if (f == NULL)
		return;
	if (f->running) {
		char err[256];
		double ms;

		(void)pm_feed_end(f, &ms, err, sizeof err);
	}
	for (size_t i = 0; i < FEED_BATCHES; i++) {
		free(f->b[i].snap.v);
		f->b[i].snap.v = NULL;
		pm_snap_free(&f->b[i].snap);
	}
	free(f->in);
	free(f->work);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
}

/* Wait for the next batch's ranges (all the rest when the last batch, or
 * when the parser is done) and swap them into f->work; *CONSUMED gets how
 * many batches the parser is done with.  Returns how many (0: nothing
 * more). */
static size_t
feed_wait(struct pm_feed *f, size_t nb, size_t *consumed)
{
	struct feed_range *t;
	size_t n, cap;

	pthread_mutex_lock(&f->mu);
	while (!f->closed && (f->nin < FEED_BATCH_MIN || nb == FEED_BATCHES - 1))
		pthread_cond_wait(&f->cv, &f->mu);
	t = f->in;
	cap = f->incap;
	n = f->nin;
	f->in = f->work;
	f->incap = f->workcap;
	f->nin = 0;
	f->work = t;
	f->workcap = cap;
	*consumed = f->consumed;
	pthread_mutex_unlock(&f->mu);
	return n;
}

/*
 * Swap the buffers of batch B, about to be read, with those of batch R,
 * one the parser is done with (it never looks at it again this sample):
 * a sample's batches go round a few warm buffers rather than each filling
 * fresh memory (3.4 MB for 20,000 mappings).
 */
static void
feed_reuse(struct feed_batch *b, struct feed_batch *r)
{
	struct pm_vma *v = b->snap.v;
	size_t vcap = b->vcap, lcap = b->snap.letters_cap;
	char *l = b->snap.letters;

	b->snap.v = r->snap.v;
	b->vcap = r->vcap;
	b->snap.letters = r->snap.letters;
	b->snap.letters_cap = r->snap.letters_cap;
	r->snap.v = v;
	r->vcap = vcap;
	r->snap.letters = l;
	r->snap.letters_cap = lcap;
}

/* Read the pages of the N ranges in f->work, mappings FIRST.. of those
 * pushed, into batch B.  Returns PM_*. */
static int
feed_read(struct pm_feed *f, struct feed_batch *b, size_t first, size_t n)
{
	struct pm_snap *ps = &b->snap;

	/* Not a big array (bigarray.h): a batch is far smaller than the
	 * 2 MiB a huge page would clear. */
	if (b->vcap < n) {
		size_t cap = n < 4 * FEED_BATCH_MIN ? 4 * FEED_BATCH_MIN : n;

		free(ps->v);
		if ((ps->v = malloc(cap * sizeof *ps->v)) == NULL) {
			b->vcap = 0;
			snprintf(f->err, sizeof f->err, "out of memory");
			return PM_ERR;
		}
		b->vcap = cap;
		mem_populate(ps->v, cap * sizeof *ps->v);
	}
	memset(ps->v, 0, n * sizeof *ps->v);
	for (size_t i = 0; i < n; i++) {
		ps->v[i].start = f->work[i].start;
		ps->v[i].end = f->work[i].end;
		ps->v[i].shared = f->work[i].shared;
	}
	ps->n = n;
	b->first = first;
	b->n = n;
	return pm_read_pages(f->s, f->pid, ps, NULL, f->err, sizeof f->err);
}

/* The thread: batch after batch until the parser is done or a read fails. */
static void *
feed_run(void *arg)
{
	struct pm_feed *f = arg;
	size_t first = 0, nb = 0, n, consumed, reuse = 0;

	while (nb < FEED_BATCHES && (n = feed_wait(f, nb, &consumed)) > 0) {
		if (f->b[nb].vcap < n && reuse < consumed)
			feed_reuse(&f->b[nb], &f->b[reuse++]);
		if ((f->st = feed_read(f, &f->b[nb], first, n)) != PM_OK)
			break;
		first += n;
		pthread_mutex_lock(&f->mu);
		f->nb = ++nb;
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

bool
pm_feed_begin(struct pm_feed *f, struct pm_sampler *s, int pid)
{
	f->s = s;
	f->pid = pid;
	f->nin = f->nb = f->pushed = f->cur = f->seen = f->consumed = 0;
	f->closed = false;
	f->st = PM_OK;
	f->err[0] = '\0';
	f->running = pthread_create(&f->th, NULL, feed_run, f) == 0;
	return f->running;
}

void
pm_feed_push(struct pm_feed *f, const struct pm_snap *snap, size_t n)
{
	if (n <= f->pushed)
		return;
	pthread_mutex_lock(&f->mu);
	if (f->incap - f->nin < n - f->pushed) {
		size_t nc = f->incap ? f->incap : FEED_BATCH_MIN;
		struct feed_range *ni;

		while (nc - f->nin < n - f->pushed)
			nc *= 2;
		if ((ni = realloc(f->in, nc * sizeof *ni)) == NULL) {
			pthread_mutex_unlock(&f->mu);
			return;          /* not read here: read after the parse */
		}
		f->in = ni;
		f->incap = nc;
	}
	for (size_t k = f->pushed; k < n; k++)
		f->in[f->nin++] = (struct feed_range){ snap->v[k].start, snap->v[k].end,
		                                       snap->v[k].shared };
	f->pushed = n;
	if (f->nin >= FEED_BATCH_MIN)
		pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* Move the parser's batch on to the one that may hold mapping K. */
static void
feed_skip(struct pm_feed *f, size_t k)
{
	while (f->cur < f->seen && k >= f->b[f->cur].first + f->b[f->cur].n)
		f->cur++;
}

/* The batch of mapping K, among the published ones, or NULL. */
static const struct feed_batch *
feed_batch_of(struct pm_feed *f, size_t k)
{
	feed_skip(f, k);
	if (f->cur == f->seen) {         /* published since? */
		pthread_mutex_lock(&f->mu);
		f->seen = f->nb;
		f->consumed = f->cur;
		pthread_mutex_unlock(&f->mu);
		feed_skip(f, k);
	}
	if (f->cur == f->seen || k < f->b[f->cur].first)
		return NULL;
	return &f->b[f->cur];
}

bool
pm_feed_has(struct pm_feed *f, size_t k)
{
	return feed_batch_of(f, k) != NULL;
}

bool
pm_feed_take(struct pm_feed *f, struct pm_vma *d, size_t k)
{
	const struct feed_batch *b = feed_batch_of(f, k);
	const struct pm_vma *v;

	if (b == NULL)
		return false;
	v = &b->snap.v[k - b->first];
	if (v->start != d->start || v->end != d->end)
		return false;
	pm_vma_copy_pages(d, v);
	return true;
}

int
pm_feed_end(struct pm_feed *f, double *ms, char *err, size_t errlen)
{
	*ms = 0;
	if (!f->running) {
		snprintf(err, errlen, "no pagemap thread");
		return PM_ERR;
	}
	pthread_mutex_lock(&f->mu);
	f->closed = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	f->running = false;
	for (size_t i = 0; i < f->nb; i++)
		*ms += f->b[i].snap.ms_pages;
	if (f->st != PM_OK)
		snprintf(err, errlen, "%s", f->err);
	return f->st;
}
