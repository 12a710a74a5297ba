/* SPDX-License-Identifier: MIT */
/*
 * record.c -- `vmscope record`: a scenario run for real (record.h).
 *
 * Two parts (the /proc sampler is in sample.c).  (1) The task
 * process: a command loop in a child that the recorder
 * drives over a SOCK_SEQPACKET socket; it only makes system calls and
 * touches pages, from buffers that exist before the first command (static
 * storage, touched once), so nothing but the scenario changes its map.  A
 * trace fork is clone(CLONE_PARENT): every task is a direct child of the
 * recorder, so PR_SET_PDEATHSIG(SIGKILL) means "the recorder died" for all
 * of them and a task can exit while its children live on.  A task also
 * exits when its socket reaches end of file.  (2) The recorder: replays
 * the trace under the linux profile, runs each event in the processes
 * (mapping Mach operations to their Linux analogues, labelled in the
 * trace), writes the event with its real outcome (x_real...), a note when
 * the kernel and the model disagree about success, and one observe event
 * per live task.  Every exit path kills and reaps every task.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include "record.h"
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay/replay.h"
#include "trace/trace.h"
#include "trace/trace_write.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

#ifdef __linux__
#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#endif


#ifdef __linux__

/* ==== (1) the task process ================================================ */

enum rc_op {
	RC_MMAP = 1,        /* anonymous (or fd) mapping at addr, fixed or hint */
	RC_TOUCH,           /* write / read each page */
	RC_MUNMAP,
	RC_MPROTECT,
	RC_MADVISE,
	RC_REPLACE,         /* replace a range with a shared copy (anon or memfd) */
	RC_FORK,
	RC_EXIT,
};

enum {
	RCF_FIXED = 1u << 0,       /* MAP_FIXED_NOREPLACE, no fallback */
	RCF_HINT = 1u << 1,        /* MAP_FIXED_NOREPLACE, else anywhere */
	RCF_SHARED = 1u << 2,      /* MAP_SHARED */
	RCF_FD = 1u << 3,          /* an fd comes with the command */
	RCF_WRITE = 1u << 4,       /* RC_TOUCH: write */
	RCF_MEMFD = 1u << 5,       /* RC_REPLACE: a memfd, returned in the reply */
};

#define RC_BITMAP_MAX 32768        /* bytes: 262144 pages */

struct rc_cmd {
	uint32_t op, flags;
	int32_t prot, arg;
	uint64_t addr, size, offset;
	uint32_t page_size, nbitmap;
};

struct rc_reply {
	int32_t err;                 /* errno, 0 = success */
	int32_t pid;
	uint64_t addr;               /* RC_MMAP: where it landed */
	uint64_t fault;              /* RC_TOUCH: the address that faulted */
	char call[32];               /* the failing call */
};

/* The task's state: static, so it exists before the first command. */
static union {
	struct rc_cmd c;
	unsigned char raw[sizeof(struct rc_cmd) + RC_BITMAP_MAX];
} c_in;
static union {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(int))];
} c_ctl;
static int c_sock = -1;
static pid_t c_recorder;
static sigjmp_buf c_jmp;
static volatile sig_atomic_t c_guard;
static volatile uintptr_t c_fault;

/* SIGSEGV/SIGBUS in a guarded touch: back to the command loop. */
static void
c_on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (c_guard) {
		c_guard = 0;
		c_fault = (uintptr_t)si->si_addr;
		siglongjmp(c_jmp, 1);
	}
	signal(sig, SIG_DFL);       /* a real crash: let it happen */
}

/* Send REPLY (with FD when >= 0) on the task socket. */
static void
c_reply(const struct rc_reply *rep, int fd)
{
	struct iovec iov = { (void *)rep, sizeof *rep };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *ch;

		memset(&c_ctl, 0, sizeof c_ctl);
		mh.msg_control = c_ctl.buf;
		mh.msg_controllen = sizeof c_ctl.buf;
		ch = CMSG_FIRSTHDR(&mh);
		ch->cmsg_level = SOL_SOCKET;
		ch->cmsg_type = SCM_RIGHTS;
		ch->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(ch), &fd, sizeof fd);
	}
	while (sendmsg(c_sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			_exit(3);
}

/* Fill REP with a failure of CALL. */
static void
c_fail(struct rc_reply *rep, const char *call, int err)
{
	rep->err = err;
	snprintf(rep->call, sizeof rep->call, "%s", call);
}

/* Touch (write or read) every page of [addr, addr+size); returns 0 or EFAULT. */
static int
c_touch(uint64_t addr, uint64_t size, uint32_t ps, bool wr, uint64_t *fault)
{
	volatile uint64_t a;

	if (sigsetjmp(c_jmp, 1) != 0) {
		*fault = (uint64_t)c_fault;
		return EFAULT;
	}
	c_guard = 1;
	for (a = addr; a < addr + size; a += ps) {
		volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)a;

		if (wr)
			*p = 0x5a;          /* a store only: a load first would be a read fault */
		else
			(void)*p;
	}
	c_guard = 0;
	return 0;
}

/* Copy the pages set in the bitmap from SRC to DST; 0 or EFAULT. */
static int
c_copy(uint64_t dst, uint64_t src, uint64_t size, uint32_t ps, const unsigned char *bm,
       uint32_t nbm, uint64_t *fault)
{
	volatile uint64_t i;

	if (sigsetjmp(c_jmp, 1) != 0) {
		*fault = (uint64_t)c_fault;
		return EFAULT;
	}
	c_guard = 1;
	for (i = 0; i < size / ps; i++)
		if (i / 8 < nbm && (bm[i / 8] >> (i % 8)) & 1)
			memcpy((void *)(uintptr_t)(dst + i * ps), (const void *)(uintptr_t)(src + i * ps),
			       ps);
	c_guard = 0;
	return 0;
}

/* mmap for RC_MMAP; fills REP. */
static void
c_mmap(const struct rc_cmd *c, int fd, struct rc_reply *rep)
{
	int flags = (c->flags & RCF_SHARED) ? MAP_SHARED : MAP_PRIVATE;
	void *p;

	if (fd < 0)
		flags |= MAP_ANONYMOUS;
	if (c->flags & (RCF_FIXED | RCF_HINT))
		flags |= MAP_FIXED_NOREPLACE;
	p = mmap((void *)(uintptr_t)c->addr, c->size, c->prot, flags, fd, (off_t)c->offset);
	if (p != MAP_FAILED && (c->flags & RCF_FIXED) && (uintptr_t)p != c->addr) {
		munmap(p, c->size);     /* an old kernel took it as a hint */
		p = MAP_FAILED;
		errno = EEXIST;
	}
	if (p == MAP_FAILED && (c->flags & RCF_HINT))
		p = mmap(NULL, c->size, c->prot, flags & ~MAP_FIXED_NOREPLACE, fd, (off_t)c->offset);
	if (p == MAP_FAILED)
		c_fail(rep, "mmap", errno);
	else
		rep->addr = (uint64_t)(uintptr_t)p;
}

/* RC_REPLACE: the range becomes a shared mapping holding a copy of its pages. */
static void
c_replace(const struct rc_cmd *c, struct rc_reply *rep, int *fd_out)
{
	int fd = -1, flags = MAP_SHARED;
	void *tmp;
	int e;

	if (msync((void *)(uintptr_t)c->addr, c->size, MS_ASYNC) != 0) {
		c_fail(rep, "msync", errno);     /* ENOMEM: not all mapped */
		return;
	}
	if (c->flags & RCF_MEMFD) {
		fd = memfd_create("vmscope-entry", MFD_CLOEXEC);
		if (fd < 0) {
			c_fail(rep, "memfd_create", errno);
			return;
		}
		if (ftruncate(fd, (off_t)c->size) != 0) {
			c_fail(rep, "ftruncate", errno);
			close(fd);
			return;
		}
	} else {
		flags |= MAP_ANONYMOUS;
	}
	tmp = mmap(NULL, c->size, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (tmp == MAP_FAILED) {
		c_fail(rep, "mmap", errno);
		if (fd >= 0)
			close(fd);
		return;
	}
	e = c_copy((uint64_t)(uintptr_t)tmp, c->addr, c->size, c->page_size,
	           c_in.raw + sizeof(struct rc_cmd), c->nbitmap, &rep->fault);
	if (e != 0) {
		c_fail(rep, "copy", e);
	} else if (mremap(tmp, c->size, c->size, MREMAP_MAYMOVE | MREMAP_FIXED,
	                  (void *)(uintptr_t)c->addr) == MAP_FAILED) {
		c_fail(rep, "mremap", errno);
	} else if (mprotect((void *)(uintptr_t)c->addr, c->size, c->prot) != 0) {
		c_fail(rep, "mprotect", errno);
	} else {
		if (fd >= 0)
			*fd_out = fd;
		return;
	}
	munmap(tmp, c->size);
	if (fd >= 0)
		close(fd);
}

/* RC_FORK: clone(CLONE_PARENT) so the child is the recorder's; NEWSOCK is its socket. */
static void
c_fork(int newsock, struct rc_reply *rep)
{
	long pid;

	if (newsock < 0) {
		c_fail(rep, "fork", EBADF);
		return;
	}
	pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0L, 0L, 0L, 0L);
	if (pid < 0) {
		c_fail(rep, "fork", errno);
		close(newsock);
		return;
	}
	if (pid == 0) {
		struct rc_reply hello = { 0 };

		close(c_sock);
		c_sock = newsock;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != c_recorder)
			_exit(1);
		hello.pid = (int32_t)getpid();
		c_reply(&hello, -1);
		rep->pid = -1;          /* the child answers nothing more for this command */
		return;
	}
	close(newsock);
	rep->pid = (int32_t)pid;
}

/* The command loop of a task; never returns. */
static void
c_loop(void)
{
	for (;;) {
		struct iovec iov = { c_in.raw, sizeof c_in.raw };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c_ctl.buf,
		                     .msg_controllen = sizeof c_ctl.buf };
		struct rc_reply rep;
		const struct rc_cmd *c = &c_in.c;
		struct cmsghdr *ch;
		ssize_t n;
		int fd = -1, fd_out = -1;

		n = recvmsg(c_sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)sizeof(struct rc_cmd))
			_exit(0);                  /* the recorder is gone */
		for (ch = CMSG_FIRSTHDR(&mh); ch != NULL; ch = CMSG_NXTHDR(&mh, ch))
			if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_RIGHTS)
				memcpy(&fd, CMSG_DATA(ch), sizeof fd);
		memset(&rep, 0, sizeof rep);
		rep.pid = (int32_t)getpid();
		switch (c->op) {
		case RC_MMAP:
			c_mmap(c, fd, &rep);
			break;
		case RC_TOUCH:
			if ((rep.err = c_touch(c->addr, c->size, c->page_size, (c->flags & RCF_WRITE) != 0,
			                       &rep.fault)) != 0)
				snprintf(rep.call, sizeof rep.call, "%s", "touch");
			break;
		case RC_MUNMAP:
			if (munmap((void *)(uintptr_t)c->addr, c->size) != 0)
				c_fail(&rep, "munmap", errno);
			break;
		case RC_MPROTECT:
			if (mprotect((void *)(uintptr_t)c->addr, c->size, c->prot) != 0)
				c_fail(&rep, "mprotect", errno);
			break;
		case RC_MADVISE:
			if (madvise((void *)(uintptr_t)c->addr, c->size, c->arg) != 0)
				c_fail(&rep, "madvise", errno);
			break;
		case RC_REPLACE:
			c_replace(c, &rep, &fd_out);
			break;
		case RC_FORK:
			c_fork(fd, &rep);
			fd = -1;
			if (rep.pid < 0)
				continue;          /* in the new child: it said hello */
			break;
		case RC_EXIT:
			_exit(0);
		default:
			c_fail(&rep, "command", EINVAL);
		}
		if (fd >= 0)
			close(fd);
		c_reply(&rep, fd_out);
		if (fd_out >= 0)
			close(fd_out);
	}
}

/* The first task: set up, then obey.  SOCK is its end of the socket. */
static void
c_main(int sock, pid_t recorder, const char *name)
{
	struct sigaction sa;
	char comm[16];
	int null;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != recorder)
		_exit(1);
	c_recorder = recorder;
	/* Only the socket stays open (stdio to /dev/null). */
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	for (int fd = 3; fd < 4096; fd++)
		if (fd != sock)
			close(fd);
	c_sock = sock;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = c_on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGINT, SIG_IGN);       /* the recorder decides; it kills us */
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	snprintf(comm, sizeof comm, "vms:%s", name);
	prctl(PR_SET_NAME, comm);
	/* Touch the buffers now, so commands fault nothing new in. */
	memset(c_in.raw, 0, sizeof c_in.raw);
	memset(&c_ctl, 0, sizeof c_ctl);
	c_loop();
}

/* ==== (2) the recorder ===================================================== */

/* A range a scenario op created in a task, in model and real addresses. */
struct place {
	uint32_t name;                 /* string id, 0 = unnamed */
	uint64_t ms, me;               /* model */
	uint64_t rs, re;               /* real */
};

struct rtask {
	pid_t pid;                     /* 0: never started */
	int sock;
	bool alive;                    /* the process is running */
	bool reported;                 /* its death has been written */
	int status;                    /* wait status once dead */
	struct place *pl;
	size_t npl, plcap;
	struct { uint64_t a, e; } *share;   /* inherit share ranges being applied */
	size_t nshare, sharecap;
};

struct rentry {
	uint32_t name;
	int fd;
	uint64_t size;
};

struct rfile {
	uint32_t name;
	char path[4200];
	uint64_t size;
};

/* One step's real outcome. */
struct outcome {
	bool ran;                      /* something was attempted */
	bool ok;
	char error[256];               /* "mprotect: Cannot allocate memory" */
	char call[160];                /* what Linux did */
	char addr[32];                 /* "0x..." where it landed, "" */
	bool analogue;
	bool elsewhere;                /* placed at another address than the model's */
	char extra[200];               /* a remark */
	long child_pid;
};

struct rec {
	const struct record_opts *o;
	const struct trace *t;
	struct replay *r;
	struct trace_writer *w;
	struct pm_sampler *pm;
	struct pm_snap snap;
	bool *sel;
	size_t selcap;
	uint32_t ps;
	struct rtask *tasks;           /* by trace task id */
	size_t ntasks;
	struct rentry *ents;
	size_t nents, entcap;
	struct rfile *files;
	size_t nfiles;
	char tmpdir[4096];
	unsigned char *bitmap;
	char *iobuf;
	size_t iobuf_len;
	size_t nobs, ndisagree, nwritten, ndeaths;
	struct tw_obs_region *regs;
	struct tw_ext (*rext)[4];
	size_t regcap;
};

static volatile sig_atomic_t rec_signal;

/* SIGINT/SIGTERM/SIGHUP: note it; blocking calls return EINTR. */
static void
rec_on_signal(int sig)
{
	rec_signal = sig;
}

/* Print a message to the recorder's message stream. */
static void rmsg(const struct rec *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
rmsg(const struct rec *rc, const char *fmt, ...)
{
	va_list ap;

	if (rc->o->msgs == NULL)
		return;
	fprintf(rc->o->msgs, "vmscope: record: ");
	va_start(ap, fmt);
	vfprintf(rc->o->msgs, fmt, ap);
	va_end(ap);
	fputc('\n', rc->o->msgs);
}

/* Describe wait status ST ("exited with status 0", "killed by signal 9"). */
static void
wait_text(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "stopped");
}

/* Mark task T dead after its process ended (reaping it). */
static void
task_dead(struct rec *rc, struct rtask *t, bool wait_for_it)
{
	int st = 0;

	if (!t->alive)
		return;
	t->alive = false;
	if (t->sock >= 0)
		close(t->sock);
	t->sock = -1;
	if (!wait_for_it)
		kill(t->pid, SIGKILL);
	while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
		;
	t->status = st;
	(void)rc;
}

/* Kill and reap every task. */
static void
kill_all(struct rec *rc)
{
	for (size_t i = 0; i < rc->ntasks; i++)
		if (rc->tasks[i].alive)
			kill(rc->tasks[i].pid, SIGKILL);
	for (size_t i = 0; i < rc->ntasks; i++)
		task_dead(rc, &rc->tasks[i], true);
}

/* Send command C (+ bitmap, + FD) to task T and wait for its reply (and an
 * fd in it).  Returns 0, -1 if the task died or hung, -2 on a signal. */
static int
task_cmd(struct rec *rc, struct rtask *t, const struct rc_cmd *c, const void *bm, int fd,
         struct rc_reply *rep, int *fd_in)
{
	unsigned char buf[sizeof(struct rc_cmd) + RC_BITMAP_MAX];
	size_t len = sizeof *c + (bm != NULL ? c->nbitmap : 0);
	struct iovec iov = { buf, len };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct pollfd pfd = { t->sock, POLLIN, 0 };
	int pr;

	if (!t->alive)
		return -1;
	memcpy(buf, c, sizeof *c);
	if (bm != NULL)
		memcpy(buf + sizeof *c, bm, c->nbitmap);
	memset(&ctl, 0, sizeof ctl);
	if (fd >= 0) {
		struct cmsghdr *ch;

		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof ctl.b;
		ch = CMSG_FIRSTHDR(&mh);
		ch->cmsg_level = SOL_SOCKET;
		ch->cmsg_type = SCM_RIGHTS;
		ch->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(ch), &fd, sizeof fd);
	}
	while (sendmsg(t->sock, &mh, MSG_NOSIGNAL) < 0) {
		if (errno == EINTR && rec_signal == 0)
			continue;
		if (errno == EINTR)
			return -2;
		task_dead(rc, t, false);
		return -1;
	}
	if (c->op == RC_EXIT)
		return 0;
	for (;;) {
		pr = poll(&pfd, 1, 60000);
		if (pr < 0 && errno == EINTR) {
			if (rec_signal != 0)
				return -2;
			continue;
		}
		if (pr <= 0) {
			rmsg(rc, "task process %d did not answer in 60 s; killed", (int)t->pid);
			task_dead(rc, t, false);
			return -1;
		}
		break;
	}
	{
		struct iovec riov = { rep, sizeof *rep };
		struct msghdr rmh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = ctl.b,
		                      .msg_controllen = sizeof ctl.b };
		ssize_t n;

		memset(&ctl, 0, sizeof ctl);
		do
			n = recvmsg(t->sock, &rmh, MSG_CMSG_CLOEXEC);
		while (n < 0 && errno == EINTR && rec_signal == 0);
		if (n < 0 && errno == EINTR)
			return -2;
		if (n != (ssize_t)sizeof *rep) {
			task_dead(rc, t, true);
			return -1;
		}
		if (fd_in != NULL) {
			*fd_in = -1;
			for (struct cmsghdr *ch = CMSG_FIRSTHDR(&rmh); ch != NULL; ch = CMSG_NXTHDR(&rmh, ch))
				if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_RIGHTS)
					memcpy(fd_in, CMSG_DATA(ch), sizeof *fd_in);
		}
	}
	return 0;
}

/* Start the first process of task T (trace task ID). */
static int
task_start(struct rec *rc, uint16_t id)
{
	int sv[2];
	pid_t pid, me = getpid();
	struct rtask *t = &rc->tasks[id];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		c_main(sv[1], me, trace_task_name(rc->t, id));
		_exit(1);
	}
	close(sv[1]);
	t->pid = pid;
	t->sock = sv[0];
	t->alive = true;
	return 0;
}

/* Add a placement to task T. */
static void
place_add(struct rtask *t, uint32_t name, uint64_t ms, uint64_t me, uint64_t rs, uint64_t re)
{
	if (t->npl == t->plcap) {
		t->plcap = t->plcap ? t->plcap * 2 : 16;
		t->pl = realloc(t->pl, t->plcap * sizeof *t->pl);
		if (t->pl == NULL)
			abort();
	}
	t->pl[t->npl++] = (struct place){ name, ms, me, rs, re };
}

/* The newest placement named NAME in task T. */
static const struct place *
place_named(const struct rtask *t, uint32_t name)
{
	for (size_t i = t->npl; i-- > 0;)
		if (t->pl[i].name == name)
			return &t->pl[i];
	return NULL;
}

/* Real address of model address A in task T. */
static uint64_t
m2r(const struct rtask *t, uint64_t a)
{
	for (size_t i = t->npl; i-- > 0;)
		if (a >= t->pl[i].ms && a < t->pl[i].me)
			return t->pl[i].rs + (a - t->pl[i].ms);
	return a;
}

/* The name of real address A in task T (newest named placement), or NULL. */
static const char *
real_name(const struct rec *rc, const struct rtask *t, uint64_t a)
{
	for (size_t i = t->npl; i-- > 0;)
		if (t->pl[i].name != 0 && a >= t->pl[i].rs && a < t->pl[i].re)
			return trace_str(rc->t, t->pl[i].name);
	return NULL;
}

/* Does [s, e) meet a placement of task T? */
static bool
in_footprint(const struct rtask *t, uint64_t s, uint64_t e, bool *beyond)
{
	bool meet = false;
	uint64_t covered = 0;

	for (size_t i = 0; i < t->npl; i++) {
		uint64_t lo = s > t->pl[i].rs ? s : t->pl[i].rs, hi = e < t->pl[i].re ? e : t->pl[i].re;

		if (hi > lo) {
			meet = true;
			covered += hi - lo;
		}
	}
	*beyond = meet && covered < e - s;
	return meet;
}

/* Bytes of quantity V of event EV. */
static uint64_t
qty(const struct rec *rc, uint64_t v, unsigned flags, unsigned pages_flag)
{
	return (flags & pages_flag) ? v * rc->ps : v;
}

/* Round up to pages. */
static uint64_t
round_up(const struct rec *rc, uint64_t v)
{
	return (v + rc->ps - 1) / rc->ps * rc->ps;
}

/* The model range of EV in task T (as replay computes it); false if none. */
static bool
ev_range(const struct rec *rc, const struct rtask *t, const struct trace_event *ev,
         uint64_t *addr, uint64_t *size, char *why, size_t wlen)
{
	uint64_t off = (ev->flags & TEF_OFFSET) ? qty(rc, ev->offset, ev->flags, TEF_OFFSET_PAGES) : 0;

	if (ev->region != 0) {
		const struct place *p = place_named(t, ev->region);
		uint64_t len;

		if (p == NULL) {
			snprintf(why, wlen, "no region \"%s\" in this task", trace_str(rc->t, ev->region));
			return false;
		}
		len = p->me - p->ms;
		if (off > len) {
			snprintf(why, wlen, "offset beyond the region");
			return false;
		}
		*addr = p->ms + off;
		*size = (ev->flags & TEF_SIZE) ? qty(rc, ev->size, ev->flags, TEF_SIZE_PAGES) : len - off;
		if (*size > len - off) {
			snprintf(why, wlen, "size beyond the region");
			return false;
		}
	} else {
		*addr = qty(rc, ev->addr, ev->flags, TEF_ADDR_PAGES) + off;
		*size = (ev->flags & TEF_SIZE) ? qty(rc, ev->size, ev->flags, TEF_SIZE_PAGES) : rc->ps;
	}
	/* Whole pages, as the kernel works. */
	*size = round_up(rc, *size + *addr % rc->ps);
	*addr -= *addr % rc->ps;
	return true;
}

/* Note a failure of CALL with errno E in OC. */
static void
oc_fail(struct outcome *oc, const char *call, int e)
{
	oc->ok = false;
	snprintf(oc->error, sizeof oc->error, "%s: %s", call, strerror(e));
}

/* Run C on task T and fold the reply into OC.  Returns the task_cmd status. */
static int
run_cmd(struct rec *rc, struct rtask *t, const struct rc_cmd *c, const void *bm, int fd,
        struct rc_reply *rep, int *fd_in, struct outcome *oc)
{
	int rv;

	memset(rep, 0, sizeof *rep);
	oc->ran = true;
	rv = task_cmd(rc, t, c, bm, fd, rep, fd_in);
	if (rv == -1) {
		char st[96];

		wait_text(t->status, st, sizeof st);
		oc->ok = false;
		snprintf(oc->error, sizeof oc->error, "the task process died (%s)", st);
	} else if (rv == 0 && rep->err != 0) {
		if (rep->err == EFAULT && c->op == RC_TOUCH)
			snprintf(oc->error, sizeof oc->error,
			         "%s at 0x%llx faulted (SIGSEGV/SIGBUS)", (c->flags & RCF_WRITE) ? "write" : "read",
			         (unsigned long long)rep->fault);
		else
			oc_fail(oc, rep->call, rep->err);
		oc->ok = false;
	}
	return rv;
}

/* Bitmap of the pages of [a, a+size) in task T that hold data
 * (pm_data_pages). */
static int
data_bitmap(struct rec *rc, struct rtask *t, uint64_t a, uint64_t size, uint32_t *nbytes)
{
	uint64_t np = size / rc->ps;

	if ((np + 7) / 8 > RC_BITMAP_MAX)
		return -1;
	*nbytes = (uint32_t)((np + 7) / 8);
	return pm_data_pages(rc->pm, (int)t->pid, a, np, rc->ps, rc->bitmap);
}

/* The protection of the mapping of task T containing A (rw- if unknown);
 * *SHARED tells whether it is already a shared mapping. */
static int
prot_at(struct rec *rc, struct rtask *t, uint64_t a, bool *shared)
{
	char err[256];

	*shared = false;
	if (pm_read_smaps(rc->pm, (int)t->pid, &rc->snap, err, sizeof err) == PM_OK)
		for (size_t i = 0; i < rc->snap.n; i++)
			if (rc->snap.v[i].start <= a && a < rc->snap.v[i].end) {
				*shared = rc->snap.v[i].shared;
				return rc->snap.v[i].prot;
			}
	return PROT_READ | PROT_WRITE;
}

/* Replace [a, a+size) of task T by a shared mapping (anonymous, or a memfd
 * returned in *FD_OUT) holding a copy of the pages that hold data, with
 * protection PROT. */
static void
replace_shared(struct rec *rc, struct rtask *t, uint64_t a, uint64_t size, int prot, bool memfd,
               struct outcome *oc, int *fd_out)
{
	struct rc_cmd c = { .op = RC_REPLACE, .addr = a, .size = size, .page_size = rc->ps,
	                    .prot = prot };
	struct rc_reply rep;

	if (memfd)
		c.flags |= RCF_MEMFD;
	if (data_bitmap(rc, t, a, size, &c.nbitmap) != 0) {
		oc->ran = true;
		oc->ok = false;
		snprintf(oc->error, sizeof oc->error, "range too large for the recorder (or pagemap unreadable)");
		return;
	}
	if (run_cmd(rc, t, &c, rc->bitmap, -1, &rep, fd_out, oc) == 0 && rep.err == 0)
		oc->ok = true;
}

/* Every range task T marked inherit share becomes a shared mapping now
 * (each private mapping piece, with its protection). */
static void
apply_share(struct rec *rc, struct rtask *t, struct outcome *oc)
{
	char err[256];
	size_t done = 0;

	for (size_t k = 0; k < t->nshare; k++) {
		uint64_t lo = t->share[k].a, hi = t->share[k].e;
		struct piece { uint64_t a, e; int prot; } piece[64];
		size_t np = 0;

		if (pm_read_smaps(rc->pm, (int)t->pid, &rc->snap, err, sizeof err) != PM_OK)
			break;
		for (size_t i = 0; i < rc->snap.n && np < 64; i++) {
			const struct pm_vma *v = &rc->snap.v[i];
			uint64_t a = v->start > lo ? v->start : lo, e = v->end < hi ? v->end : hi;

			if (e > a && !v->shared)
				piece[np++] = (struct piece){ a, e, v->prot };
		}
		for (size_t i = 0; i < np; i++) {
			struct outcome o2 = { 0 };

			replace_shared(rc, t, piece[i].a, piece[i].e - piece[i].a, piece[i].prot, false, &o2, NULL);
			if (!o2.ok) {
				snprintf(oc->extra, sizeof oc->extra, "inherit share analogue failed: %.150s", o2.error);
				t->nshare = 0;
				return;
			}
			done++;
		}
	}
	if (done > 0)
		snprintf(oc->extra, sizeof oc->extra, "%zu private range%s replaced by MAP_SHARED|"
		         "MAP_ANONYMOUS copies", done, done == 1 ? "" : "s");
	t->nshare = 0;
}

/* Grow the observation arrays to N regions. */
static void
regs_reserve(struct rec *rc, size_t n)
{
	if (n <= rc->regcap)
		return;
	rc->regcap = n * 2;
	rc->regs = realloc(rc->regs, rc->regcap * sizeof *rc->regs);
	rc->rext = realloc(rc->rext, rc->regcap * sizeof *rc->rext);
	if (rc->regs == NULL || rc->rext == NULL)
		abort();
}

/* Write one observe event for live task ID.  Returns 0, or -1 when the
 * process was found gone (it is then marked dead). */
static int
observe_task(struct rec *rc, uint16_t id)
{
	struct rtask *t = &rc->tasks[id];
	struct tw_event e;
	struct tw_ext ev_ext[2];
	char err[256];
	size_t nr = 0;
	int st;

	st = pm_read_smaps(rc->pm, (int)t->pid, &rc->snap, err, sizeof err);
	if (st == PM_OK) {
		if (rc->snap.n > rc->selcap) {
			rc->selcap = rc->snap.n * 2;
			rc->sel = realloc(rc->sel, rc->selcap * sizeof *rc->sel);
			if (rc->sel == NULL)
				abort();
		}
		for (size_t i = 0; i < rc->snap.n; i++) {
			bool beyond;

			rc->sel[i] = in_footprint(t, rc->snap.v[i].start, rc->snap.v[i].end, &beyond);
		}
		st = pm_read_pages(rc->pm, (int)t->pid, &rc->snap, rc->sel, err, sizeof err);
	}
	if (st == PM_GONE) {
		task_dead(rc, t, false);
		return -1;
	}
	if (st != PM_OK) {
		rmsg(rc, "%s", err);
		return -2;
	}
	regs_reserve(rc, rc->snap.n + 1);
	for (size_t i = 0; i < rc->snap.n; i++) {
		const struct pm_vma *v = &rc->snap.v[i];
		struct tw_obs_region *o = &rc->regs[nr];

		if (!rc->sel[i])
			continue;
		pm_obs_region(v, rc->ps, o, rc->rext[nr]);
		o->name = real_name(rc, t, v->start);
		{
			bool beyond;

			in_footprint(t, v->start, v->end, &beyond);
			if (beyond && o->next < 4) {
				rc->rext[nr][o->next++] = (struct tw_ext){ .key = "x_beyond_scenario",
				                                           .type = TW_EXT_BOOL, .u = 1 };
			}
		}
		nr++;
	}
	memset(&e, 0, sizeof e);
	e.op = TOP_OBSERVE;
	e.task = trace_task_name(rc->t, id);
	e.regions = rc->regs;
	e.nregions = nr;
	ev_ext[0] = (struct tw_ext){ .key = "x_pid", .type = TW_EXT_UINT, .u = (uint64_t)t->pid };
	e.ext = ev_ext;
	e.next = 1;
	if (trace_writer_event(rc->w, &e) != 0)
		return -3;
	rc->nobs++;
	rc->nwritten++;
	return 0;
}

/* Write a note event with TEXT (and the recorder's key). */
static int
write_note(struct rec *rc, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
write_note(struct rec *rc, const char *kind, const char *fmt, ...)
{
	char text[600];
	struct tw_event e;
	struct tw_ext ext = { .key = "x_recorder", .type = TW_EXT_STR, .s = kind };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	memset(&e, 0, sizeof e);
	e.op = TOP_NOTE;
	e.name = text;
	e.ext = &ext;
	e.next = 1;
	rc->nwritten++;
	return trace_writer_event(rc->w, &e);
}

/* Index of entry NAME, or -1. */
static long
entry_find(const struct rec *rc, uint32_t name)
{
	for (size_t i = rc->nents; i-- > 0;)
		if (rc->ents[i].name == name)
			return (long)i;
	return -1;
}

/* Run ALLOCATE-like creation: an anonymous or fd mapping of SIZE in task T
 * at model address MA (0: none).  Records the placement as NAME.  Returns
 * the real address, 0 on failure. */
static uint64_t
create_mapping(struct rec *rc, struct rtask *t, uint64_t ma, uint64_t size, int prot, uint32_t flags,
               int fd, uint64_t offset, uint32_t name, bool fixed, struct outcome *oc)
{
	struct rc_cmd c = { .op = RC_MMAP, .addr = ma, .size = size, .prot = prot,
	                    .offset = offset, .page_size = rc->ps };
	struct rc_reply rep;

	c.flags = flags | (fixed ? RCF_FIXED : ma != 0 ? RCF_HINT : 0);
	if (run_cmd(rc, t, &c, NULL, fd, &rep, NULL, oc) != 0 || rep.err != 0)
		return 0;
	oc->ok = true;
	snprintf(oc->addr, sizeof oc->addr, "0x%llx", (unsigned long long)rep.addr);
	if (ma != 0 && rep.addr != ma) {
		oc->elsewhere = true;
		snprintf(oc->extra, sizeof oc->extra,
		         "the kernel placed it at 0x%llx, not at the model's 0x%llx (that range was taken)",
		         (unsigned long long)rep.addr, (unsigned long long)ma);
	}
	place_add(t, name, ma != 0 ? ma : rep.addr, (ma != 0 ? ma : rep.addr) + size, rep.addr,
	          rep.addr + size);
	return rep.addr;
}

/*
 * A user tag has no Linux meaning.  The recorder does not name the mapping
 * (PR_SET_VMA_ANON_NAME would keep differently named neighbours apart on
 * some kernels only); the linux profile ignores tags the same way.
 */
static void
name_tag(unsigned tag, struct outcome *oc)
{
	snprintf(oc->extra, sizeof oc->extra, "user tag %u ignored: Linux has no user tags, "
	         "so tagged neighbours may merge (as in the linux profile)", tag);
}

/* The file of map_file name NAME. */
static const struct rfile *
file_find(const struct rec *rc, uint32_t name)
{
	for (size_t i = 0; i < rc->nfiles; i++)
		if (rc->files[i].name == name)
			return &rc->files[i];
	return NULL;
}

/* ool_send: copy [sa, sa+size) of S into a fresh mapping of D at model RA. */
static void
ool_copy(struct rec *rc, struct rtask *s, struct rtask *d, uint64_t sa, uint64_t size, uint64_t ra,
         uint32_t as, struct outcome *oc)
{
	struct outcome o2 = { 0 };
	uint64_t da = create_mapping(rc, d, ra, size, PROT_READ | PROT_WRITE, 0, -1, 0, as, false, &o2);

	*oc = o2;
	if (!o2.ok)
		return;
	oc->ok = false;
	for (uint64_t done = 0; done < size;) {
		uint64_t n = size - done < rc->iobuf_len ? size - done : rc->iobuf_len;
		struct iovec l = { rc->iobuf, (size_t)n };
		struct iovec rs = { (void *)(uintptr_t)(sa + done), (size_t)n };
		struct iovec rd = { (void *)(uintptr_t)(da + done), (size_t)n };
		ssize_t got = process_vm_readv(s->pid, &l, 1, &rs, 1, 0);

		if (got != (ssize_t)n) {
			oc_fail(oc, "process_vm_readv", got < 0 ? errno : EFAULT);
			return;
		}
		got = process_vm_writev(d->pid, &l, 1, &rd, 1, 0);
		if (got != (ssize_t)n) {
			oc_fail(oc, "process_vm_writev", got < 0 ? errno : EFAULT);
			return;
		}
		done += n;
	}
	oc->ok = true;
}

/* ---- running events: one handler per operation ------------------------------ */

/* What an event's handler works with. */
struct ev_ctx {
	struct rec *rc;
	const struct trace_event *ev;
	struct rtask *t;                /* the event's task (NULL: none) */
	kern_return_t mkr;              /* the model's outcome of the step */
	const struct vm_effects *fx;    /* the model's effects of the step */
	struct outcome *oc;             /* filled by the handler */
};

/* The model's address for the step's new mapping, 0 when it failed. */
static uint64_t
model_addr(const struct ev_ctx *x)
{
	return x->mkr == KERN_SUCCESS ? x->fx->addr : 0;
}

/* The event's real range in *A, *SIZE; false (OC says why) when it has none. */
static bool
real_range(struct ev_ctx *x, uint64_t *a, uint64_t *size)
{
	char why[160];

	if (!ev_range(x->rc, x->t, x->ev, a, size, why, sizeof why)) {
		snprintf(x->oc->error, sizeof x->oc->error, "not run: %s", why);
		return false;
	}
	*a = m2r(x->t, *a);
	return true;
}

/* Send command C to the event's task; OC->ok when the call succeeded. */
static void
run_simple(struct ev_ctx *x, struct rc_cmd *c)
{
	struct rc_reply rep;

	if (run_cmd(x->rc, x->t, c, NULL, -1, &rep, NULL, x->oc) == 0 && rep.err == 0)
		x->oc->ok = true;
}

static void
run_note(struct ev_ctx *x)
{
	x->oc->ok = true;
}

/* allocate: mmap(MAP_PRIVATE|MAP_ANONYMOUS) where the model put it. */
static void
run_allocate(struct ev_ctx *x)
{
	const struct trace_event *ev = x->ev;
	struct outcome *oc = x->oc;
	bool fixed = (ev->flags & TEF_ADDR) != 0;
	uint64_t ma = fixed ? qty(x->rc, ev->addr, ev->flags, TEF_ADDR_PAGES) : model_addr(x);
	uint64_t size = round_up(x->rc, qty(x->rc, ev->size, ev->flags, TEF_SIZE_PAGES)), ra;
	char keep[200] = "";

	snprintf(oc->call, sizeof oc->call, "mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS%s)",
	         fixed ? "|MAP_FIXED_NOREPLACE" : ma ? "|MAP_FIXED_NOREPLACE, else anywhere" : "");
	if (ev->flags & TEF_PURGEABLE)
		snprintf(keep, sizeof keep, "purgeable has no Linux meaning: a plain anonymous mapping");
	ra = create_mapping(x->rc, x->t, ma, size, PROT_READ | PROT_WRITE, 0, -1, 0, ev->as, fixed, oc);
	if (!oc->elsewhere)
		snprintf(oc->extra, sizeof oc->extra, "%s", keep);
	if (ra != 0 && ev->tag != 0)
		name_tag(ev->tag, oc);
}

/* deallocate: munmap. */
static void
run_deallocate(struct ev_ctx *x)
{
	struct rc_cmd c = { .page_size = x->rc->ps, .op = RC_MUNMAP };

	if (!real_range(x, &c.addr, &c.size))
		return;
	snprintf(x->oc->call, sizeof x->oc->call, "munmap");
	run_simple(x, &c);
}

/* write, read: touch one byte of each page. */
static void
run_touch(struct ev_ctx *x)
{
	bool write = x->ev->op == TOP_WRITE;
	struct rc_cmd c = { .page_size = x->rc->ps, .op = RC_TOUCH, .flags = write ? RCF_WRITE : 0 };

	if (!real_range(x, &c.addr, &c.size))
		return;
	snprintf(x->oc->call, sizeof x->oc->call, "%s one byte of each page", write ? "write" : "read");
	run_simple(x, &c);
}

/* protect: mprotect (Linux has no maximum protection to lower). */
static void
run_protect(struct ev_ctx *x)
{
	const struct trace_event *ev = x->ev;
	struct rc_cmd c = { .page_size = x->rc->ps, .op = RC_MPROTECT };

	if (!real_range(x, &c.addr, &c.size))
		return;
	c.prot = ((ev->prot & VM_PROT_READ) ? PROT_READ : 0) |
	         ((ev->prot & VM_PROT_WRITE) ? PROT_WRITE : 0) |
	         ((ev->prot & VM_PROT_EXECUTE) ? PROT_EXEC : 0);
	snprintf(x->oc->call, sizeof x->oc->call, "mprotect");
	if (ev->flags & TEF_SET_MAX)
		snprintf(x->oc->extra, sizeof x->oc->extra,
		         "Linux has no call to lower a mapping's maximum protection: only prot was set");
	run_simple(x, &c);
}

/* Is [A, A+SIZE) mapped in the task's smaps just read?  Else OC says where not. */
static bool
snap_covers(struct ev_ctx *x, uint64_t a, uint64_t size)
{
	const struct pm_snap *s = &x->rc->snap;
	uint64_t at = a;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].start <= at && s->v[i].end > at)
			at = s->v[i].end;
	if (at >= a + size)
		return true;
	x->oc->ok = false;
	snprintf(x->oc->error, sizeof x->oc->error, "not mapped at 0x%llx", (unsigned long long)at);
	return false;
}

/* inherit share: no Linux call; the range becomes a shared copy before forks. */
static void
run_inherit_share(struct ev_ctx *x, uint64_t a, uint64_t size)
{
	struct rtask *t = x->t;
	struct outcome *oc = x->oc;
	bool sh;

	oc->analogue = true;
	oc->ran = true;
	snprintf(oc->call, sizeof oc->call, "analogue: mmap(MAP_SHARED|MAP_ANONYMOUS) + copy of "
	         "the pages that hold data + mremap over the range");
	(void)prot_at(x->rc, t, a, &sh);     /* reads smaps into rc->snap */
	if (!snap_covers(x, a, size))
		return;
	if (t->nshare == t->sharecap) {
		t->sharecap = t->sharecap ? t->sharecap * 2 : 4;
		t->share = realloc(t->share, t->sharecap * sizeof *t->share);
		if (t->share == NULL)
			abort();
	}
	t->share[t->nshare].a = a;
	t->share[t->nshare].e = a + size;
	t->nshare++;
	oc->ok = true;
	apply_share(x->rc, t, oc);
	if (strncmp(oc->extra, "inherit share analogue failed", 29) == 0) {
		oc->ok = false;
		snprintf(oc->error, sizeof oc->error, "%s", oc->extra);
	}
	snprintf(oc->extra, sizeof oc->extra, "Linux cannot make a private mapping shared "
	         "after mmap: the range is now a MAP_SHARED|MAP_ANONYMOUS mapping holding a copy "
	         "of its pages");
}

/* inherit: madvise(MADV_DONTFORK / MADV_DOFORK), or the share analogue. */
static void
run_inherit(struct ev_ctx *x)
{
	struct rtask *t = x->t;
	bool none = x->ev->inheritance == VM_INHERIT_NONE;
	struct rc_cmd c = { .page_size = x->rc->ps, .op = RC_MADVISE };

	if (!real_range(x, &c.addr, &c.size))
		return;
	if (x->ev->inheritance == VM_INHERIT_SHARE) {
		run_inherit_share(x, c.addr, c.size);
		return;
	}
	/* A later copy/none inheritance cancels a pending share inside it. */
	for (size_t i = 0; i < t->nshare;)
		if (t->share[i].a >= c.addr && t->share[i].e <= c.addr + c.size)
			t->share[i] = t->share[--t->nshare];
		else
			i++;
	c.arg = none ? MADV_DONTFORK : MADV_DOFORK;
	snprintf(x->oc->call, sizeof x->oc->call, "madvise(%s)",
	         none ? "MADV_DONTFORK" : "MADV_DOFORK");
	run_simple(x, &c);
}

/* make_memory_entry: the range becomes a shared mapping of a new memfd. */
static void
run_make_entry(struct ev_ctx *x)
{
	struct rec *rc = x->rc;
	struct outcome *oc = x->oc;
	uint64_t a, size;
	int fd = -1, prot;
	bool sh;

	if (!real_range(x, &a, &size))
		return;
	oc->analogue = true;
	snprintf(oc->call, sizeof oc->call, "analogue: memfd_create + copy of the pages that hold "
	         "data + mmap(MAP_SHARED) + mremap over the range");
	prot = prot_at(rc, x->t, a, &sh);
	replace_shared(rc, x->t, a, size, prot, true, oc, &fd);
	if (!oc->ok || fd < 0 || x->ev->as == 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (rc->nents == rc->entcap) {
		rc->entcap = rc->entcap ? rc->entcap * 2 : 4;
		rc->ents = realloc(rc->ents, rc->entcap * sizeof *rc->ents);
		if (rc->ents == NULL)
			abort();
	}
	rc->ents[rc->nents++] = (struct rentry){ x->ev->as, fd, size };
}

/* Wait for the new task CH's hello on its socket; false if it never came. */
static bool
child_started(struct rec *rc, struct rtask *ch)
{
	struct pollfd pfd = { ch->sock, POLLIN, 0 };
	struct rc_reply hello;

	if (poll(&pfd, 1, 10000) == 1 && recv(ch->sock, &hello, sizeof hello, 0) == sizeof hello)
		return true;
	task_dead(rc, ch, false);
	return false;
}

/* fork: clone(CLONE_PARENT) in the task, with a socket for the child. */
static void
run_fork(struct ev_ctx *x)
{
	struct rec *rc = x->rc;
	struct rtask *t = x->t, *ch = &rc->tasks[x->ev->task2];
	struct outcome *oc = x->oc;
	struct rc_cmd c = { .page_size = rc->ps, .op = RC_FORK };
	struct rc_reply rep;
	int sv[2];

	snprintf(oc->call, sizeof oc->call, "fork (clone with CLONE_PARENT)");
	if (ch->alive) {
		snprintf(oc->error, sizeof oc->error, "not run: task \"%s\" already exists",
		         trace_task_name(rc->t, x->ev->task2));
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		oc->ran = true;
		oc_fail(oc, "socketpair", errno);
		return;
	}
	if (run_cmd(rc, t, &c, NULL, sv[1], &rep, NULL, oc) != 0 || rep.err != 0) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	close(sv[1]);
	ch->pid = rep.pid;
	ch->sock = sv[0];
	ch->alive = true;
	ch->reported = false;
	if (!child_started(rc, ch)) {
		snprintf(oc->error, sizeof oc->error, "the forked child did not start");
		return;
	}
	ch->npl = 0;
	for (size_t i = 0; i < t->npl; i++)
		place_add(ch, t->pl[i].name, t->pl[i].ms, t->pl[i].me, t->pl[i].rs, t->pl[i].re);
	oc->child_pid = rep.pid;
	oc->ok = true;
}

/* ool_send: copy the bytes into a new mapping of the receiver. */
static void
run_ool(struct ev_ctx *x)
{
	const struct trace_event *ev = x->ev;
	struct rtask *d = &x->rc->tasks[ev->task2];
	struct outcome *oc = x->oc;
	struct rc_cmd c = { .page_size = x->rc->ps, .op = RC_MUNMAP };

	oc->analogue = true;
	snprintf(oc->call, sizeof oc->call,
	         "analogue: mmap in the receiver + process_vm_readv/process_vm_writev%s",
	         (ev->flags & TEF_DEALLOC) ? " + munmap in the sender" : "");
	if (!d->alive) {
		snprintf(oc->error, sizeof oc->error, "not run: the receiver has no process");
		return;
	}
	if (!real_range(x, &c.addr, &c.size))
		return;
	ool_copy(x->rc, x->t, d, c.addr, c.size, model_addr(x), ev->as, oc);
	snprintf(oc->extra, sizeof oc->extra, "copy %s has no Linux meaning: bytes are copied",
	         (ev->flags & TEF_PHYSICAL) ? "physical" : "virtual");
	if (oc->ok && (ev->flags & TEF_DEALLOC)) {
		oc->ok = false;
		run_simple(x, &c);
	}
}

/* The recorder's memfd of memory entry NAME, or NULL (OC says so). */
static struct rentry *
entry_memfd(struct ev_ctx *x, const char *prefix)
{
	long e = entry_find(x->rc, x->ev->region);

	if (e >= 0 && x->rc->ents[e].fd >= 0)
		return &x->rc->ents[e];
	snprintf(x->oc->error, sizeof x->oc->error, "%sno memfd for entry \"%s\"", prefix,
	         trace_str(x->rc->t, x->ev->region));
	return NULL;
}

/* map_entry: mmap(MAP_SHARED) of the entry's memfd. */
static void
run_map_entry(struct ev_ctx *x)
{
	struct rentry *e;

	x->oc->analogue = true;
	snprintf(x->oc->call, sizeof x->oc->call, "analogue: mmap(MAP_SHARED) of the entry's memfd");
	if ((e = entry_memfd(x, "not run: ")) == NULL)
		return;
	create_mapping(x->rc, x->t, model_addr(x), e->size, PROT_READ | PROT_WRITE, RCF_SHARED,
	               e->fd, 0, x->ev->as, false, x->oc);
}

/* release_entry: close the recorder's memfd. */
static void
run_release_entry(struct ev_ctx *x)
{
	struct rentry *e;

	x->oc->analogue = true;
	x->oc->ran = true;
	snprintf(x->oc->call, sizeof x->oc->call, "analogue: close the recorder's memfd");
	if ((e = entry_memfd(x, "")) == NULL)
		return;
	close(e->fd);
	e->fd = -1;
	x->oc->ok = true;
}

/* map_file: mmap of the scenario's temporary file. */
static void
run_map_file(struct ev_ctx *x)
{
	struct rec *rc = x->rc;
	const struct trace_event *ev = x->ev;
	const struct rfile *f = file_find(rc, ev->region);
	bool priv = (ev->flags & TEF_PRIVATE) != 0;
	uint64_t size = round_up(rc, qty(rc, ev->size, ev->flags, TEF_SIZE_PAGES));
	uint64_t off = (ev->flags & TEF_OFFSET) ? qty(rc, ev->offset, ev->flags, TEF_OFFSET_PAGES) : 0;
	int fd;

	snprintf(x->oc->call, sizeof x->oc->call, "mmap(MAP_%s) of a temporary file",
	         priv ? "PRIVATE" : "SHARED");
	if (f == NULL || (fd = open(f->path, O_RDWR | O_CLOEXEC)) < 0) {
		x->oc->ran = true;
		oc_fail(x->oc, "open", f == NULL ? ENOENT : errno);
		return;
	}
	create_mapping(rc, x->t, model_addr(x), size, PROT_READ | PROT_WRITE,
	               priv ? 0 : RCF_SHARED, fd, off, ev->as, false, x->oc);
	close(fd);
}

/* exit: the task process calls _exit(0). */
static void
run_exit(struct ev_ctx *x)
{
	struct rtask *t = x->t;
	struct outcome *oc = x->oc;
	struct rc_cmd c = { .page_size = x->rc->ps, .op = RC_EXIT };
	struct rc_reply rep;

	snprintf(oc->call, sizeof oc->call, "_exit(0)");
	oc->ran = true;
	if (task_cmd(x->rc, t, &c, NULL, -1, &rep, NULL) != 0) {
		snprintf(oc->error, sizeof oc->error, "the task process was already gone");
		return;
	}
	task_dead(x->rc, t, true);
	t->reported = true;
	oc->ok = WIFEXITED(t->status) && WEXITSTATUS(t->status) == 0;
	if (!oc->ok)
		snprintf(oc->error, sizeof oc->error, "the process did not exit cleanly");
}

/* exec would replace the helper process that runs the scenario: not
 * recorded, and said so in the step's outcome. */
static void
run_exec(struct ev_ctx *x)
{
	snprintf(x->oc->call, sizeof x->oc->call, "execve");
	x->oc->ran = false;
	snprintf(x->oc->error, sizeof x->oc->error,
	         "exec is not recorded: it would replace the process that runs the scenario");
}

/* The handler of each trace operation (NULL: nothing to run). */
static void (*const run_ops[TOP_COUNT])(struct ev_ctx *) = {
	[TOP_NOTE] = run_note,
	[TOP_ALLOCATE] = run_allocate,
	[TOP_DEALLOCATE] = run_deallocate,
	[TOP_WRITE] = run_touch,
	[TOP_READ] = run_touch,
	[TOP_PROTECT] = run_protect,
	[TOP_INHERIT] = run_inherit,
	[TOP_MAKE_MEMORY_ENTRY] = run_make_entry,
	[TOP_FORK] = run_fork,
	[TOP_OOL_SEND] = run_ool,
	[TOP_MAP_ENTRY] = run_map_entry,
	[TOP_RELEASE_ENTRY] = run_release_entry,
	[TOP_MAP_FILE] = run_map_file,
	[TOP_EXIT] = run_exit,
	[TOP_EXEC] = run_exec,
};

/* Run event EV (step K) for real; fill OC. */
static void
run_event(struct rec *rc, size_t k, const struct trace_event *ev, struct outcome *oc)
{
	struct ev_ctx x = { .rc = rc, .ev = ev, .oc = oc, .mkr = replay_status(rc->r, k) };

	if (ev->op != TOP_NOTE && ev->op != TOP_RELEASE_ENTRY)
		x.t = &rc->tasks[ev->task];
	replay_seek(rc->r, k);
	x.fx = replay_effects(rc->r);
	if (x.t != NULL && !x.t->alive && ev->op != TOP_NOTE) {
		snprintf(oc->error, sizeof oc->error, "not run: task \"%s\" has no process%s",
		         trace_task_name(rc->t, ev->task), x.t->pid != 0 ? " (it ended)" : "");
		return;
	}
	if (ev->op < TOP_COUNT && run_ops[ev->op] != NULL)
		run_ops[ev->op](&x);
}

/* Write event EV with its real outcome OC. */
static int
write_event(struct rec *rc, const struct trace_event *ev, const struct outcome *oc)
{
	struct tw_event o;
	struct tw_ext ext[8];
	size_t n = 0;

	memset(&o, 0, sizeof o);
	o.op = ev->op;
	if (ev->op != TOP_NOTE && ev->op != TOP_RELEASE_ENTRY)
		o.task = trace_task_name(rc->t, ev->task);
	if (ev->op == TOP_FORK || ev->op == TOP_OOL_SEND)
		o.task2 = trace_task_name(rc->t, ev->task2);
	o.name = ev->region != 0 ? trace_str(rc->t, ev->region) : NULL;
	o.as = ev->as != 0 ? trace_str(rc->t, ev->as) : NULL;
	o.note = trace_event_note(rc->t, ev);
	o.mark = trace_event_mark(rc->t, ev);
	o.addr = ev->addr;
	o.size = ev->size;
	o.offset = ev->offset;
	o.flags = ev->flags;
	o.tag = ev->tag;
	o.prot = ev->prot;
	o.max_prot = ev->max_prot;
	o.inheritance = ev->inheritance;
	if (ev->op != TOP_NOTE) {
		ext[n++] = (struct tw_ext){ .key = "x_real", .type = TW_EXT_STR,
		                            .s = oc->ok ? "ok" : oc->ran ? "failed" : "not run" };
		if (oc->error[0] != '\0')
			ext[n++] = (struct tw_ext){ .key = "x_real_error", .type = TW_EXT_STR, .s = oc->error };
		if (oc->call[0] != '\0')
			ext[n++] = (struct tw_ext){ .key = "x_real_call", .type = TW_EXT_STR, .s = oc->call };
		if (oc->addr[0] != '\0')
			ext[n++] = (struct tw_ext){ .key = "x_real_addr", .type = TW_EXT_STR, .s = oc->addr };
		if (oc->analogue)
			ext[n++] = (struct tw_ext){ .key = "x_analogue", .type = TW_EXT_BOOL, .u = 1 };
		if (oc->extra[0] != '\0')
			ext[n++] = (struct tw_ext){ .key = "x_real_note", .type = TW_EXT_STR, .s = oc->extra };
		if (oc->child_pid > 0) {
			ext[n++] = (struct tw_ext){ .key = "x_child_pid", .type = TW_EXT_UINT,
			                            .u = (uint64_t)oc->child_pid };
		}
	}
	o.ext = ext;
	o.next = n;
	rc->nwritten++;
	return trace_writer_event(rc->w, &o);
}

/* Report (once) every task whose process ended without an exit step. */
static int
report_deaths(struct rec *rc)
{
	for (size_t i = 0; i < rc->ntasks; i++) {
		struct rtask *t = &rc->tasks[i];
		int st;

		if (t->alive && waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->alive = false;
			t->status = st;
			if (t->sock >= 0)
				close(t->sock);
			t->sock = -1;
		}
		if (!t->alive && t->pid != 0 && !t->reported) {
			char s[96];

			t->reported = true;
			rc->ndeaths++;
			wait_text(t->status, s, sizeof s);
			rmsg(rc, "task %s (pid %d) died: %s", trace_task_name(rc->t, (uint16_t)i), (int)t->pid, s);
			if (write_note(rc, "death", "recorder: the process of task \"%s\" (pid %d) died "
			               "here (%s); the model still has the task", trace_task_name(rc->t, (uint16_t)i),
			               (int)t->pid, s) != 0)
				return -1;
		}
	}
	return 0;
}

/* Create the temporary files of every map_file in the trace. */
static int
make_files(struct rec *rc)
{
	char tmpl[] = "/tmp/vmscope-record.XXXXXX";
	const char *td = getenv("TMPDIR");

	for (size_t k = 0; k < rc->t->nev; k++) {
		const struct trace_event *ev = &rc->t->ev[k];
		uint64_t need;
		struct rfile *f = NULL;

		if (ev->op != TOP_MAP_FILE)
			continue;
		need = round_up(rc, qty(rc, ev->size, ev->flags, TEF_SIZE_PAGES)) +
		       ((ev->flags & TEF_OFFSET) ? qty(rc, ev->offset, ev->flags, TEF_OFFSET_PAGES) : 0);
		for (size_t i = 0; i < rc->nfiles; i++)
			if (rc->files[i].name == ev->region)
				f = &rc->files[i];
		if (f == NULL) {
			rc->files = realloc(rc->files, (rc->nfiles + 1) * sizeof *rc->files);
			if (rc->files == NULL)
				abort();
			f = &rc->files[rc->nfiles];
			memset(f, 0, sizeof *f);
			f->name = ev->region;
			rc->nfiles++;
		}
		if (need > f->size)
			f->size = need;
	}
	if (rc->nfiles == 0)
		return 0;
	if (td != NULL && td[0] != '\0' && strlen(td) < sizeof rc->tmpdir - 32)
		snprintf(rc->tmpdir, sizeof rc->tmpdir, "%s/vmscope-record.XXXXXX", td);
	else
		snprintf(rc->tmpdir, sizeof rc->tmpdir, "%s", tmpl);
	if (mkdtemp(rc->tmpdir) == NULL) {
		rmsg(rc, "cannot make a temporary directory: %s", strerror(errno));
		rc->tmpdir[0] = '\0';
		return -1;
	}
	for (size_t i = 0; i < rc->nfiles; i++) {
		struct rfile *f = &rc->files[i];
		int fd;

		snprintf(f->path, sizeof f->path, "%s/file-%zu", rc->tmpdir, i);
		fd = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			rmsg(rc, "cannot create %s: %s", f->path, strerror(errno));
			return -1;
		}
		/* Real bytes (up to 64 MiB, the rest sparse): the file has data. */
		memset(rc->iobuf, 0x42, rc->iobuf_len);
		for (uint64_t done = 0; done < f->size && done < (64u << 20);) {
			uint64_t n = f->size - done < rc->iobuf_len ? f->size - done : rc->iobuf_len;

			if (write(fd, rc->iobuf, (size_t)n) != (ssize_t)n) {
				rmsg(rc, "cannot write %s: %s", f->path, strerror(errno));
				close(fd);
				return -1;
			}
			done += n;
		}
		if (ftruncate(fd, (off_t)f->size) != 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* Remove the temporary files. */
static void
remove_files(struct rec *rc)
{
	if (rc->tmpdir[0] == '\0')
		return;
	for (size_t i = 0; i < rc->nfiles; i++)
		if (rc->files[i].path[0] != '\0')
			unlink(rc->files[i].path);
	rmdir(rc->tmpdir);
	rc->tmpdir[0] = '\0';
}

/* Write the header. */
static int
write_header(struct rec *rc)
{
	const struct trace *t = rc->t;
	const char *notes[12];
	size_t nn = 0;
	struct tw_header h;
	struct trace_machine machine;
	struct tw_ext ext[3];
	struct utsname u;
	char title[512], kernel[200], src[300];
	bool purg = false, tags = false, share = false, ents = false, ool = false, files = false,
	     maxp = false, obs = false;
	const char **tasks = calloc(t->nheader_tasks ? t->nheader_tasks : 1, sizeof *tasks);
	int rv;

	if (tasks == NULL)
		return -1;
	for (uint16_t i = 0; i < t->nheader_tasks; i++)
		tasks[i] = trace_task_name(t, i);
	for (size_t k = 0; k < t->nev; k++) {
		const struct trace_event *ev = &t->ev[k];

		purg |= ev->op == TOP_ALLOCATE && (ev->flags & TEF_PURGEABLE);
		tags |= ev->op == TOP_ALLOCATE && ev->tag != 0;
		share |= ev->op == TOP_INHERIT && ev->inheritance == VM_INHERIT_SHARE;
		ents |= ev->op == TOP_MAKE_MEMORY_ENTRY || ev->op == TOP_MAP_ENTRY;
		ool |= ev->op == TOP_OOL_SEND;
		files |= ev->op == TOP_MAP_FILE;
		maxp |= ev->op == TOP_PROTECT && (ev->flags & TEF_SET_MAX);
		obs |= ev->op == TOP_OBSERVE;
	}
	if (uname(&u) != 0)
		memset(&u, 0, sizeof u);
	snprintf(kernel, sizeof kernel, "Linux %s %s", u.release, u.machine);
	snprintf(title, sizeof title, "%s (recorded on %s)", t->title != NULL ? t->title : rc->o->scenario,
	         kernel);
	snprintf(src, sizeof src, "recorded by vmscope record from %s: each step ran in real "
	         "processes; after each step one observe event per live task shows the task's "
	         "mappings that the scenario created (smaps + pagemap)", rc->o->scenario);
	notes[nn++] = src;
	notes[nn++] = pm_sampler_counts(rc->pm)
	    ? "map counts observed: pagemap PFNs with /proc/kpagecount and /proc/kpageflags "
	      "(ref_count is the largest map count of a region's pages; zero pages from KPF_ZERO_PAGE)"
	    : "not root: PFNs read as zero and /proc/kpagecount is unreadable, so ref_count is "
	      "observed only when smaps implies it (0 without resident pages, 1 when no page is "
	      "mapped twice); zero pages are pagemap-present pages that Rss does not count; pages "
	      "are classified from smaps totals and pagemap bit 56";
	if (purg)
		notes[nn++] = "purgeable memory has no Linux meaning: purgeable allocations are plain "
		              "anonymous mappings";
	if (tags)
		notes[nn++] = "user tags have no Linux meaning and are ignored (so are they by the linux "
		              "profile): differently tagged neighbours may merge";
	if (share)
		notes[nn++] = "inherit share: Linux cannot make a private mapping shared after mmap; the "
		              "recorder replaces the range with a MAP_SHARED|MAP_ANONYMOUS mapping holding a "
		              "copy of its pages (labelled x_analogue)";
	if (ents)
		notes[nn++] = "memory entries are memfds: make_memory_entry copies the range into a memfd "
		              "mapped MAP_SHARED over it, map_entry maps that memfd (labelled x_analogue)";
	if (ool)
		notes[nn++] = "ool_send is an analogue: a fresh mapping in the receiver filled with "
		              "process_vm_readv/process_vm_writev (labelled x_analogue)";
	if (files)
		notes[nn++] = "map_file maps real temporary files (removed afterwards)";
	if (maxp)
		notes[nn++] = "Linux cannot lower a mapping's maximum protection: protect with max sets "
		              "prot only";
	if (obs)
		notes[nn++] = "the scenario's own observe events were left out (they observed another system)";
	memset(&h, 0, sizeof h);
	h.title = title;
	h.profile = "linux";
	h.tasks = tasks;
	h.ntasks = t->nheader_tasks;
	h.page_size = rc->ps;
	lx_probe(&machine);
	h.machine = &machine;
	h.notes = notes;
	h.nnotes = nn;
	ext[0] = (struct tw_ext){ .key = "x_recorder", .type = TW_EXT_STR, .s = "vmscope " PACKAGE_VERSION };
	ext[1] = (struct tw_ext){ .key = "x_kernel", .type = TW_EXT_STR, .s = kernel };
	ext[2] = (struct tw_ext){ .key = "x_map_counts", .type = TW_EXT_BOOL,
	                          .u = pm_sampler_counts(rc->pm) };
	h.ext = ext;
	h.next = 3;
	rv = trace_writer_header(rc->w, &h);
	free(tasks);
	return rv;
}

/* Release everything the recorder holds (tasks killed and reaped first). */
static void
rec_free(struct rec *rc)
{
	kill_all(rc);
	for (size_t i = 0; i < rc->ntasks; i++) {
		free(rc->tasks[i].pl);
		free(rc->tasks[i].share);
	}
	free(rc->tasks);
	for (size_t i = 0; i < rc->nents; i++)
		if (rc->ents[i].fd >= 0)
			close(rc->ents[i].fd);
	free(rc->ents);
	remove_files(rc);
	free(rc->files);
	free(rc->bitmap);
	free(rc->iobuf);
	free(rc->sel);
	free(rc->regs);
	free(rc->rext);
	pm_snap_free(&rc->snap);
	pm_sampler_free(rc->pm);
	replay_free(rc->r);
}

/* Check the machine and open everything the recorder needs.  Returns
 * RECORD_OK, or a RECORD_* error after saying why (RC is then freed). */
static int
rec_open(struct rec *rc, const struct record_opts *o)
{
	struct replay_opts ro = { .profile = vm_profile_find("linux") };
	long sps = sysconf(_SC_PAGESIZE);
	char err[512], probe[64];
	int fd;

	memset(rc, 0, sizeof *rc);
	rc->o = o;
	rc->t = o->t;
	rc->ps = (uint32_t)sps;
	if (sps != 4096) {
		rmsg(rc, "this machine's page size is %ld; the linux profile models 4096-byte pages", sps);
		return RECORD_BAD_INPUT;
	}
	if (o->t->page_size != 0 && o->t->page_size != rc->ps) {
		rmsg(rc, "the scenario's page_size is %u, but this machine's is %u", o->t->page_size, rc->ps);
		return RECORD_BAD_INPUT;
	}
	snprintf(probe, sizeof probe, "/proc/%d/pagemap", (int)getpid());
	fd = open(probe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rmsg(rc, "cannot read %s: %s (the recorder needs /proc)", probe, strerror(errno));
		return RECORD_IO;
	}
	close(fd);
	rc->r = replay_new(o->t, &ro, err, sizeof err);
	if (rc->r == NULL) {
		rmsg(rc, "%s", err);
		return RECORD_BAD_INPUT;
	}
	rc->pm = pm_sampler_new();
	rc->ntasks = o->t->ntask_names;
	rc->tasks = calloc(rc->ntasks ? rc->ntasks : 1, sizeof *rc->tasks);
	rc->bitmap = malloc(RC_BITMAP_MAX);
	rc->iobuf_len = 1u << 20;
	rc->iobuf = malloc(rc->iobuf_len);
	if (rc->pm == NULL || rc->tasks == NULL || rc->bitmap == NULL || rc->iobuf == NULL) {
		rmsg(rc, "out of memory");
		rec_free(rc);
		return RECORD_IO;
	}
	for (size_t i = 0; i < rc->ntasks; i++)
		rc->tasks[i].sock = -1;
	pm_sampler_set_letters(rc->pm, 4096);
	if (make_files(rc) != 0) {
		rec_free(rc);
		return RECORD_IO;
	}
	rc->w = trace_writer_open(o->out, err, sizeof err);
	if (rc->w == NULL) {
		rmsg(rc, "%s", err);
		rec_free(rc);
		return RECORD_IO;
	}
	trace_writer_set_line_flush(rc->w, true);
	return RECORD_OK;
}

/* The signal dispositions the recorder replaces while it runs. */
struct rec_signals {
	struct sigaction old_int, old_term, old_hup, old_pipe;
};

/* SIGINT, SIGTERM, SIGHUP interrupt the recording; SIGPIPE is ignored. */
static void
rec_signals_set(struct rec_signals *s)
{
	struct sigaction sa;

	rec_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = rec_on_signal;   /* no SA_RESTART: blocking calls return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &s->old_int);
	sigaction(SIGTERM, &sa, &s->old_term);
	sigaction(SIGHUP, &sa, &s->old_hup);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &s->old_pipe);
}

static void
rec_signals_restore(const struct rec_signals *s)
{
	sigaction(SIGINT, &s->old_int, NULL);
	sigaction(SIGTERM, &s->old_term, NULL);
	sigaction(SIGHUP, &s->old_hup, NULL);
	sigaction(SIGPIPE, &s->old_pipe, NULL);
}

/* Note in the trace that step K's real outcome OC disagrees with the model. */
static int
note_disagreement(struct rec *rc, size_t k, const struct outcome *oc, bool model_ok)
{
	char desc[256];

	rc->ndisagree++;
	replay_describe(rc->r, k, desc, sizeof desc);
	return write_note(rc, "outcome", "recorder: real Linux %s this step where the model %s "
	                  "(%s%s%s)", oc->ok ? "succeeded" : "failed",
	                  model_ok ? "succeeded" : vm_kr_name(replay_status(rc->r, k)), desc,
	                  oc->error[0] ? ": " : "", oc->error);
}

/* Observe every live task. */
static int
observe_all(struct rec *rc)
{
	for (uint16_t i = 0; i < rc->ntasks && rec_signal == 0; i++)
		if (rc->tasks[i].alive && observe_task(rc, i) == -3)
			return -1;
	return 0;
}

/* Run step K for real and write it, its outcome and the observations.
 * Returns 0, 1 when a signal came before the step was written, or -1 on
 * an I/O failure. */
static int
record_step(struct rec *rc, size_t k)
{
	const struct trace_event *ev = replay_event(rc->r, k);
	bool model_ok = replay_status(rc->r, k) == KERN_SUCCESS;
	struct outcome oc;

	if (ev->op == TOP_OBSERVE)
		return 0;
	memset(&oc, 0, sizeof oc);
	run_event(rc, k, ev, &oc);
	if (rec_signal != 0)
		return 1;
	if (ev->op == TOP_NOTE)
		oc.ok = model_ok;
	if (write_event(rc, ev, &oc) != 0)
		return -1;
	if (rc->o->verbose)
		rmsg(rc, "step %zu: %s: %s%s%s", k, trace_op_name(ev->op),
		     oc.ok ? "ok" : oc.ran ? "failed" : "not run", oc.error[0] ? ": " : "", oc.error);
	if (ev->op != TOP_NOTE && model_ok != oc.ok && note_disagreement(rc, k, &oc, model_ok) != 0)
		return -1;
	if (report_deaths(rc) != 0)
		return -1;
	if (ev->op == TOP_NOTE)
		return 0;
	if (observe_all(rc) != 0)
		return -1;
	return report_deaths(rc);
}

/* Close the trace after the last step K (of N) and say what was recorded. */
static int
record_finish(struct rec *rc, size_t k, size_t n)
{
	const struct record_opts *o = rc->o;
	int status = rec_signal != 0 ? RECORD_INTERRUPTED : RECORD_OK;
	char err[512];

	if (rec_signal != 0) {
		rmsg(rc, "interrupted by signal %d: keeping the %zu steps recorded so far",
		     (int)rec_signal, k > 0 ? k - 1 : 0);
		write_note(rc, "interrupted", "recorder: interrupted by %s before step %zu of %zu; the "
		           "recording stops here", strsignal(rec_signal), k, n);
	}
	kill_all(rc);
	if (trace_writer_close(rc->w, err, sizeof err) != 0) {
		rmsg(rc, "%s", err);
		status = RECORD_IO;
	}
	rc->w = NULL;
	if (status != RECORD_IO && o->msgs != NULL)
		fprintf(o->msgs, "vmscope: recorded %s into %s: %zu lines, %zu observations, %zu step%s "
		        "where Linux and the model disagree on success, %zu unexpected process death%s%s\n",
		        o->scenario, o->out, rc->nwritten + 1, rc->nobs, rc->ndisagree,
		        rc->ndisagree == 1 ? "" : "s", rc->ndeaths, rc->ndeaths == 1 ? "" : "s",
		        status == RECORD_INTERRUPTED ? " (interrupted)" : "");
	/* The shell's convention: 128 + the signal that stopped us. */
	return status == RECORD_INTERRUPTED ? RECORD_INTERRUPTED + (int)rec_signal : status;
}

/* Start the header's tasks and record every step.  Returns 0, -1 on I/O. */
static int
record_steps(struct rec *rc, size_t *k, size_t n)
{
	if (write_header(rc) != 0)
		return -1;
	for (uint16_t i = 0; i < rc->t->nheader_tasks; i++) {
		if (task_start(rc, i) != 0) {
			rmsg(rc, "cannot start a task process: %s", strerror(errno));
			return -1;
		}
	}
	for (*k = 1; *k <= n && rec_signal == 0; ++*k) {
		int rv = record_step(rc, *k);

		if (rv != 0)
			return rv > 0 ? 0 : -1;
	}
	return 0;
}

/* Record (record.h). */
int
trace_record(const struct record_opts *o)
{
	struct rec rc;
	struct rec_signals sigs;
	size_t k = 0, n;
	int status = rec_open(&rc, o);

	if (status != RECORD_OK)
		return status;
	rec_signals_set(&sigs);
	n = replay_nsteps(rc.r);
	if (record_steps(&rc, &k, n) == 0) {
		status = record_finish(&rc, k, n);
	} else {
		status = RECORD_IO;
		if (rc.w != NULL && trace_writer_error(rc.w) != NULL)
			rmsg(&rc, "%s", trace_writer_error(rc.w));
		kill_all(&rc);
		trace_writer_abort(rc.w);
		rc.w = NULL;
	}
	rec_free(&rc);
	rec_signals_restore(&sigs);
	return status;
}

#else /* !__linux__ */

/* Recording needs Linux's /proc. */
int
trace_record(const struct record_opts *o)
{
	if (o->msgs != NULL)
		fprintf(o->msgs, "vmscope: record needs Linux (/proc/PID/smaps and pagemap)\n");
	return RECORD_IO;
}

#endif
