/* SPDX-License-Identifier: MIT */
/*
 * record_cmd.h -- `vmscope record -o TRACE -- COMMAND [ARGS...]`: trace an
 * unmodified program under ptrace (Linux, x86_64 and aarch64).
 *
 * The program runs as the recorder's child under PTRACE_TRACEME, with
 * fork, vfork, clone, exec and exit events followed, and stops at the
 * entry and exit of every system call.  What changes an address space
 * becomes a trace event on the task (one per process; threads are not
 * tasks) whose thread made the call:
 *
 *   mmap                 allocate at the address the kernel chose, named
 *                        after its file ("libc.so.6"), or anonN; a
 *                        MAP_SHARED anonymous mapping is also inherit share
 *   munmap               deallocate
 *   mprotect             protect
 *   mremap               deallocate the old range, allocate the new one
 *   brk                  allocate or deallocate "[heap]" between the breaks
 *   madvise              DONTFORK: inherit none; DOFORK: inherit copy;
 *                        DONTNEED: deallocate + allocate (labelled analogue)
 *   fork, vfork, clone   fork naming the child task ("prog-2")
 *   execve               exec, then the new image's mappings as allocates
 *   exit                 exit
 *
 * The mappings a process starts with (its image, the loader, the stack,
 * the vDSO) are allocates at the start and after every exec.  Writes to
 * the program's own anonymous mappings (its "footprint": anonymous mmaps
 * and the heap) are found at every such event and become write events:
 * with soft-dirty bits where the kernel has them (clear_refs 4, pagemap
 * bit 55), else by hashing the present pages of the footprint (read
 * through /proc/PID/mem, which neither faults pages in nor unshares them): a page that appears with
 * non-zero content, or whose content changed, was written.  After each
 * fork (parent and child) and before each exit, an observe event shows
 * the footprint from smaps and pagemap, so `vmscope check --profile
 * linux` can compare.
 *
 * The program's exit status is the recorder's (128 + the signal when it
 * was killed).  SIGINT, SIGTERM or SIGHUP to the recorder kill the
 * processes it started (and nothing else), keep the trace recorded so far
 * and return 128 + the signal.  When ptrace is not permitted the error
 * says why (kernel.yama.ptrace_scope, seccomp, a container without
 * CAP_SYS_PTRACE) and what to change.  No curses.
 */
#ifndef VMSCOPE_RECORD_CMD_H
#define VMSCOPE_RECORD_CMD_H

#include <stdbool.h>
#include <stdio.h>

struct record_cmd_opts {
	char *const *argv;           /* the command and its arguments */
	const char *out;             /* TRACE ("-": standard output) */
	FILE *msgs;                  /* errors and progress (stderr) */
	bool verbose;                /* one line per event on MSGS */
};

/* Record O->argv.  Returns its exit status (0..255), 128 + a signal the
 * recorder got, or -1 when nothing could be recorded (message on MSGS). */
int record_command(const struct record_cmd_opts *o);

#endif
