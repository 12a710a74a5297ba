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

int
main(int argc, char **argv)
{
	const char *vmscope = argc > 1 ? argv[1] : "./vmscope";
	int pfd[2];
	pid_t pid;
	char path[64], cmd[1024], err[256], dir[] = "/tmp/bench-record.XXXXXX", dumpfile[64];
	double t_smaps[ROUNDS], t_sample[ROUNDS], t_import[ROUNDS], t_pmap[ROUNDS];
	double t_parse[ROUNDS], t_pages[ROUNDS], t_unbatched[ROUNDS];
	struct pm_sampler *pm = pm_sampler_new(), *pm_ub;
	struct pm_snap snap = { 0 }, snap_ub = { 0 };
	long dumped = -1;
	char *buf = NULL;
	size_t cap = 0, maps = 0;
	bool dump_failed = false;

	/* The reference: kpagecount/kpageflags read page by page. */
	setenv("VMSCOPE_PM_UNBATCHED", "1", 1);
	pm_ub = pm_sampler_new();
	unsetenv("VMSCOPE_PM_UNBATCHED");
	if (pm == NULL || pm_ub == NULL || pipe(pfd) != 0 || mkdtemp(dir) == NULL)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		helper(pfd[0]);
	}
	close(pfd[0]);
	/* Wait until the helper has its maps. */
	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	for (int tries = 0; tries < 500; tries++) {
		if (pm_read_smaps(pm, (int)pid, &snap, err, sizeof err) == PM_OK && snap.n >= NMAPS)
			break;
		usleep(10000);
	}
	maps = snap.n;
	for (int r = 0; r < ROUNDS; r++) {
		int fd;
		double t0 = ms();
		ssize_t n;
		size_t len = 0;

		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 1;
		for (;;) {
			if (cap - len < 65536) {
				cap = cap ? cap * 2 : 1 << 20;
				buf = realloc(buf, cap);
				if (buf == NULL)
					return 1;
			}
			n = read(fd, buf + len, cap - len);
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		close(fd);
		t_smaps[r] = ms() - t0;
		t0 = ms();
		if (pm_read_smaps(pm, (int)pid, &snap, err, sizeof err) != PM_OK ||
		    pm_read_pages(pm, (int)pid, &snap, NULL, err, sizeof err) != PM_OK) {
			fprintf(stderr, "bench_record: %s\n", err);
			return 1;
		}
		t_sample[r] = ms() - t0;
		t_parse[r] = snap.ms_smaps;
		t_pages[r] = snap.ms_pages;
		t0 = ms();
		if (pm_read_smaps(pm_ub, (int)pid, &snap_ub, err, sizeof err) != PM_OK ||
		    pm_read_pages(pm_ub, (int)pid, &snap_ub, NULL, err, sizeof err) != PM_OK) {
			fprintf(stderr, "bench_record: %s\n", err);
			return 1;
		}
		t_unbatched[r] = ms() - t0;
	}
	snprintf(dumpfile, sizeof dumpfile, "%s/dump.json", dir);
	snprintf(cmd, sizeof cmd, "cat /proc/%d/smaps > %s/cap.smaps", (int)pid, dir);
	timed(cmd);
	for (int r = 0; r < ROUNDS; r++) {
		snprintf(cmd, sizeof cmd, "%s import smaps %s/cap.smaps -o %s/cap.jsonl --task helper "
		         ">/dev/null && %s dump --json %s/cap.jsonl >%s 2>%s/dump.err", vmscope, dir, dir,
		         vmscope, dir, r == 0 ? dumpfile : "/dev/null", dir);
		t_import[r] = timed(cmd);
		dump_failed |= last_status != 0;
		snprintf(cmd, sizeof cmd, "pmap -X %d >/dev/null", (int)pid);
		t_pmap[r] = timed(cmd);
	}
	/* What the dump printed: one "start" per region (the model has none). */
	{
		FILE *f = fopen(dumpfile, "r");
		int ch, state = 0;
		static const char key[] = "\"start\"";

		if (f != NULL) {
			dumped = 0;
			while ((ch = getc(f)) != EOF) {
				state = ch == key[state] ? state + 1 : ch == key[0] ? 1 : 0;
				if (key[state] == '\0') {
					dumped++;
					state = 0;
				}
			}
			fclose(f);
		}
	}
	if (dump_failed) {
		snprintf(cmd, sizeof cmd, "sed 's/^/  dump failed: /' %s/dump.err", dir);
		timed(cmd);
	}
	close(pfd[1]);
	waitpid(pid, NULL, 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	timed(cmd);
	{
		double a = median(t_smaps, ROUNDS), b = median(t_sample, ROUNDS);
		double c = median(t_import, ROUNDS), d = median(t_pmap, ROUNDS);
		double u = median(t_unbatched, ROUNDS);

		printf("bench-record: one process, %zu mappings, medians of %d rounds%s\n", maps, ROUNDS,
		       pm_sampler_counts(pm) ? " (root: PFNs and map counts read)" : " (no map counts)");
		printf("  read /proc/PID/smaps alone          %8.2f ms\n", a);
		printf("  sample (smaps parsed + pagemap)     %8.2f ms   ratio %.2fx (target <= 1.5x)\n", b,
		       b / a);
		printf("    of which: smaps read+parse %.2f ms, pagemap+counts %.2f ms\n",
		       median(t_parse, ROUNDS), median(t_pages, ROUNDS));
		printf("    (kpage files read page by page:    %8.2f ms   ratio %.2fx)\n", u, u / a);
		printf("  vmscope import smaps + dump --json  %8.2f ms%s\n", c,
		       dump_failed ? "   (dump refused the trace: see above)" : "");
		printf("    (dump printed %ld regions of the capture's %zu)\n", dumped, maps);
		printf("  pmap -X PID                         %8.2f ms   ratio import+dump/pmap %.2fx "
		       "(target <= 1.0x)\n", d, c / d);
	}
	pm_snap_free(&snap);
	pm_snap_free(&snap_ub);
	pm_sampler_free(pm);
	pm_sampler_free(pm_ub);
	free(buf);
	return 0;
}
