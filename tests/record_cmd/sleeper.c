/* SPDX-License-Identifier: MIT */
/* mmap and write a page, write the pid to ARGV[1], then sleep a minute. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FILE *f;

	if (p == MAP_FAILED || argc < 2)
		return 1;
	memset(p, 1, (size_t)ps);
	if ((f = fopen(argv[1], "w")) == NULL)
		return 1;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	sleep(60);
	return 0;
}
