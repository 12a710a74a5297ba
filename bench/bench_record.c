/* SPDX-License-Identifier: MIT */
/*
 * bench_record.c -- what a /proc sample costs (`make bench-record`, not a test).
 *
 * A helper process maps 20,000 one-page regions with alternating
 * protections (rw- written, r-- read, so neighbours never merge) and waits.
 * Measured side by side in one run, medians of ROUNDS rounds:
 * (1) reading /proc/PID/smaps alone against a full sample of the recorder
 * and `vmscope attach` (smaps parsed + pagemap + map counts when root),
 * target <= 1.5x; the same sample with the kpage files read page by page
 * (VMSCOPE_PM_UNBATCHED=1, how the sampler read them before) is shown for
 * comparison.  (2) `vmscope import smaps` + `vmscope dump --json` of a
 * capture of that process against `pmap -X PID`, target: no slower.  The
 * dump is of the capture's observe step (the last step, dump's default),
 * which prints every observed region, as pmap prints every mapping (plain
 * `dump` prints the model's regions: none, for a bare capture); the bench
 * counts them.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "linux/sample.h"

#define NMAPS 20000
#define ROUNDS 15

/* Milliseconds on the monotonic clock (wall time: the cost is in the
 * kernel and in child processes). */
static double
ms(void)
{
	return bench_seconds(CLOCK_MONOTONIC) * 1e3;
}

/* Median of N values (sorted in place). */
static double
median(double *v, int n)
{
	return bench_median(v, (size_t)n);
}

/* The helper: NMAPS regions, then wait for the pipe to close. */
static void
helper(int rfd)
{
	char *base = (char *)0x200000000ul;
	char c;

	for (int i = 0; i < NMAPS; i++) {
		int prot = (i % 2) ? PROT_READ : PROT_READ | PROT_WRITE;
		char *p = mmap(base + (size_t)i * 4096, 4096, prot,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		if (prot & PROT_WRITE)
			p[0] = 1;
		else
			c = *(volatile char *)p;
	}
	(void)c;
	while (read(rfd, &c, 1) > 0)
		;
	_exit(0);
}

static int last_status;

/* Run the shell command CMD; its wall time in ms (status in last_status). */
static double
timed(const char *cmd)
{
	double t0 = ms();

	last_status = system(cmd);
	return ms() - t0;
}

/* Everything one run measures. */
struct run {
	const char *vmscope;
	pid_t pid;
	char dir[32];
	struct pm_sampler *pm, *pm_ub;
	struct pm_snap snap, snap_ub;
	size_t maps;
	long dumped;
	bool dump_failed;
	double t_smaps[ROUNDS], t_sample[ROUNDS], t_import[ROUNDS], t_pmap[ROUNDS];
	double t_parse[ROUNDS], t_pages[ROUNDS], t_unbatched[ROUNDS];
};

/* Read the whole of PATH into *BUF (grown as needed); its ms, or -1. */
static double
read_all(const char *path, char **buf, size_t *cap)
{
	double t0 = ms();
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	for (;;) {
		if (*cap - len < 65536) {
			*cap = *cap ? *cap * 2 : 1 << 20;
			if ((*buf = realloc(*buf, *cap)) == NULL)
				return -1;
		}
		n = read(fd, *buf + len, *cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return ms() - t0;
}

/* One full sample of the helper by PM into SNAP; its ms, or -1. */
static double
sample(struct run *b, struct pm_sampler *pm, struct pm_snap *snap)
{
	double t0 = ms();
	char err[256];

	if (pm_read_smaps(pm, (int)b->pid, snap, err, sizeof err) != PM_OK ||
	    pm_read_pages(pm, (int)b->pid, snap, NULL, err, sizeof err) != PM_OK) {
		fprintf(stderr, "bench_record: %s\n", err);
		return -1;
	}
	return ms() - t0;
}

/* (1) raw smaps read against a sample, batched and unbatched. */
static int
rounds_sample(struct run *b)
{
	char path[64], *buf = NULL;
	size_t cap = 0;

	snprintf(path, sizeof path, "/proc/%d/smaps", (int)b->pid);
	for (int r = 0; r < ROUNDS; r++) {
		if ((b->t_smaps[r] = read_all(path, &buf, &cap)) < 0 ||
		    (b->t_sample[r] = sample(b, b->pm, &b->snap)) < 0)
			return -1;
		b->t_parse[r] = b->snap.ms_smaps;
		b->t_pages[r] = b->snap.ms_pages;
		if ((b->t_unbatched[r] = sample(b, b->pm_ub, &b->snap_ub)) < 0)
			return -1;
	}
	free(buf);
	return 0;
}

/* How often KEY occurs in the file PATH; -1 if it cannot be read. */
static long
count_in_file(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int ch;
	size_t state = 0;

	if (f == NULL)
		return -1;
	while ((ch = getc(f)) != EOF) {
		state = ch == key[state] ? state + 1 : ch == key[0] ? 1 : 0;
		if (key[state] == '\0') {
			n++;
			state = 0;
		}
	}
	fclose(f);
	return n;
}

/* (2) import smaps + dump --json of a capture against pmap -X. */
static void
rounds_import(struct run *b)
{
	char cmd[1024], dumpfile[64];

	snprintf(dumpfile, sizeof dumpfile, "%s/dump.json", b->dir);
	snprintf(cmd, sizeof cmd, "cat /proc/%d/smaps > %s/cap.smaps", (int)b->pid, b->dir);
	timed(cmd);
	for (int r = 0; r < ROUNDS; r++) {
		snprintf(cmd, sizeof cmd, "%s import smaps %s/cap.smaps -o %s/cap.jsonl --task helper "
		         ">/dev/null && %s dump --json %s/cap.jsonl >%s 2>%s/dump.err", b->vmscope,
		         b->dir, b->dir, b->vmscope, b->dir, r == 0 ? dumpfile : "/dev/null", b->dir);
		b->t_import[r] = timed(cmd);
		b->dump_failed |= last_status != 0;
		snprintf(cmd, sizeof cmd, "pmap -X %d >/dev/null", (int)b->pid);
		b->t_pmap[r] = timed(cmd);
	}
	/* What the dump printed: one "start" per region (the model has none). */
	b->dumped = count_in_file(dumpfile, "\"start\"");
	if (b->dump_failed) {
		snprintf(cmd, sizeof cmd, "sed 's/^/  dump failed: /' %s/dump.err", b->dir);
		timed(cmd);
	}
}

static void
report(struct run *b)
{
	double a = median(b->t_smaps, ROUNDS), s = median(b->t_sample, ROUNDS);
	double c = median(b->t_import, ROUNDS), d = median(b->t_pmap, ROUNDS);
	double u = median(b->t_unbatched, ROUNDS);

	printf("bench-record: one process, %zu mappings, medians of %d rounds%s\n", b->maps, ROUNDS,
	       pm_sampler_counts(b->pm) ? " (root: PFNs and map counts read)" : " (no map counts)");
	printf("  read /proc/PID/smaps alone          %8.2f ms\n", a);
	printf("  sample (smaps parsed + pagemap)     %8.2f ms   ratio %.2fx (target <= 1.5x)\n", s,
	       s / a);
	printf("    of which: smaps read+parse %.2f ms, pagemap+counts %.2f ms\n",
	       median(b->t_parse, ROUNDS), median(b->t_pages, ROUNDS));
	printf("    (kpage files read page by page:    %8.2f ms   ratio %.2fx)\n", u, u / a);
	printf("  vmscope import smaps + dump --json  %8.2f ms%s\n", c,
	       b->dump_failed ? "   (dump refused the trace: see above)" : "");
	printf("    (dump printed %ld regions of the capture's %zu)\n", b->dumped, b->maps);
	printf("  pmap -X PID                         %8.2f ms   ratio import+dump/pmap %.2fx "
	       "(target <= 1.0x)\n", d, c / d);
}

/* Start the helper and wait until it has its maps. */
static int
start_helper(struct run *b, int pfd[2])
{
	char err[256];

	if (pipe(pfd) != 0)
		return -1;
	b->pid = fork();
	if (b->pid == 0) {
		close(pfd[1]);
		helper(pfd[0]);
	}
	close(pfd[0]);
	for (int tries = 0; tries < 500; tries++) {
		if (pm_read_smaps(b->pm, (int)b->pid, &b->snap, err, sizeof err) == PM_OK &&
		    b->snap.n >= NMAPS)
			break;
		usleep(10000);
	}
	b->maps = b->snap.n;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct run b = { .dir = "/tmp/bench-record.XXXXXX", .dumped = -1 };
	char cmd[128];
	int pfd[2], rc;

	b.vmscope = argc > 1 ? argv[1] : "./vmscope";
	b.pm = pm_sampler_new();
	/* The reference: kpagecount/kpageflags read page by page. */
	setenv("VMSCOPE_PM_UNBATCHED", "1", 1);
	b.pm_ub = pm_sampler_new();
	unsetenv("VMSCOPE_PM_UNBATCHED");
	if (b.pm == NULL || b.pm_ub == NULL || mkdtemp(b.dir) == NULL || start_helper(&b, pfd) != 0)
		return 1;
	rc = rounds_sample(&b);
	if (rc == 0)
		rounds_import(&b);
	close(pfd[1]);
	waitpid(b.pid, NULL, 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", b.dir);
	timed(cmd);
	if (rc == 0)
		report(&b);
	pm_snap_free(&b.snap);
	pm_snap_free(&b.snap_ub);
	pm_sampler_free(b.pm);
	pm_sampler_free(b.pm_ub);
	return rc == 0 ? 0 : 1;
}
