/* SPDX-License-Identifier: MIT */
/* A second thread mmaps and writes two pages; the process exits 0. */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *
work(void *arg)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p != MAP_FAILED)
		memset(p, 7, 2 * (size_t)ps);
	return p;
}

int
main(void)
{
	pthread_t t;
	void *r;

	if (pthread_create(&t, NULL, work, NULL) != 0 || pthread_join(t, &r) != 0)
		return 1;
	return r == MAP_FAILED ? 1 : 0;
}
