/* SPDX-License-Identifier: MIT */
/*
 * probe.c -- probe the running kernel (probe.h) for the trace header's
 * "machine": read from /sys and /proc where the kernel says it, and found
 * by experiment where it does not (the zero page: map one anonymous page,
 * read it, ask pagemap what is now mapped -- do_anonymous_page maps the
 * shared zero page on a read fault unless the architecture or the mm
 * forbids it, so this differs across kernels and configs; some kernels
 * allocate a zeroed page of the process's own instead).
 */
#define _GNU_SOURCE 1
#include <config.h>

#include "probe.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The first line of PATH into BUF (newline cut); false when unreadable. */
static bool
read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* The bracketed choice of a sysfs multiple-choice file ("always [madvise] never"). */
static void
thp_mode(char *out, size_t len)
{
	char line[128], *a, *b;

	out[0] = '\0';
	if (!read_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof line))
		return;
	a = strchr(line, '[');
	b = a != NULL ? strchr(a, ']') : NULL;
	if (a != NULL && b != NULL && (size_t)(b - a - 1) < len)
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
}

/* A small integer from PATH, or -1. */
static int
read_int(const char *path, int hi)
{
	char line[32];
	int v;

	if (!read_line(path, line, sizeof line) || sscanf(line, "%d", &v) != 1 || v < 0 || v > hi)
		return -1;
	return v;
}

/* The pagemap entry of a page of our own, read and never written, in *E;
 * false when pagemap cannot be read. */
bool
lx_read_page_entry(long ps, uint64_t *e)
{
	volatile unsigned char *p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE,
	                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok = false;
	int fd;

	if (p == MAP_FAILED)
		return false;
	(void)p[0];
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = pread(fd, e, sizeof *e, (off_t)((uintptr_t)p / (uint64_t)ps * 8)) ==
		     (ssize_t)sizeof *e;
		close(fd);
	}
	munmap((void *)p, (size_t)ps);
	return ok;
}

/*
 * Is pagemap entry E (of lx_read_page_entry) the zero page?  Present and
 * not mapped exclusively: pagemap sets bit 56 only for a normal page
 * mapped once, and vm_normal_page is NULL for the zero page (Linux v6.12
 * fs/proc/task_mmu.c pte_to_pagemap_entry); a page allocated by the read
 * fault is the process's own, bit 56 set, and counts in Rss as a write's
 * would.  (Present alone said "zero page" on a kernel that allocates one.)
 */
bool
lx_entry_is_zero_page(uint64_t e)
{
	return ((e >> 63) & 1) && !((e >> 56) & 1);
}

/* Does reading an untouched anonymous page map one?  1, 0, -1 unknown. */
static int
zero_page_on_read(long ps)
{
	uint64_t e;

	if (!lx_read_page_entry(ps, &e))
		return -1;
	return lx_entry_is_zero_page(e) ? 1 : 0;
}

void
lx_probe(struct trace_machine *m)
{
	struct utsname u;
	long ps = sysconf(_SC_PAGESIZE);

	memset(m, 0, sizeof *m);
	m->present = true;
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof m->kernel, "%.60s %.60s", u.release, u.version);
	m->page_size = ps > 0 ? (uint32_t)ps : 0;
	thp_mode(m->thp, sizeof m->thp);
	m->ksm = read_int("/sys/kernel/mm/ksm/run", 2);   /* 2: unmerging, not merging */
	if (m->ksm > 0)
		m->ksm = m->ksm == 1;
	m->overcommit = read_int("/proc/sys/vm/overcommit_memory", 2);
	m->zero_page_on_read = ps > 0 ? zero_page_on_read(ps) : -1;
}
