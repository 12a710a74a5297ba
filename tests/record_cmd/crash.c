/* SPDX-License-Identifier: MIT */
/* mmap and write a page, then write through a null pointer. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int
main(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int *null = NULL;

	if (p == MAP_FAILED)
		return 1;
	memset(p, 1, (size_t)ps);
	*null = 1;
	return 0;
}
