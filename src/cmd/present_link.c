/* SPDX-License-Identifier: MIT */
/*
 * present_link.c -- speaker notes over a Unix socket (present_link.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "present_link.h"
#include "replay/replay.h"
#include "trace/text.h"
#include "trace/trace.h"

#define HEADER "vmscope-notes 1 "

void
present_socket_path(char *buf, size_t len)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");

	if (run != NULL && run[0] == '/')
		snprintf(buf, len, "%s/vmscope-present.sock", run);
	else
		snprintf(buf, len, "%s/vmscope-present-%lu.sock",
		         tmp != NULL && tmp[0] == '/' ? tmp : "/tmp", (unsigned long)getuid());
}

/* ---- the notes of a step ---------------------------------------------------- */

/* Append "LEAD S\n" to BUF at *POS, S sanitized; nothing when S is empty. */
static void
add(char *buf, size_t len, size_t *pos, const char *lead, const char *s)
{
	char clean[2048];
	int n;

	if (s == NULL || s[0] == '\0' || *pos >= len)
		return;
	text_sanitize(clean, sizeof clean, s, false);
	n = snprintf(buf + *pos, len - *pos, "%s%s\n", lead, clean);
	if (n > 0)
		*pos = *pos + (size_t)n < len ? *pos + (size_t)n : len - 1;
}

size_t
present_notes_text(struct replay *r, size_t k, char *buf, size_t len)
{
	const struct trace *t = replay_trace(r);
	const struct trace_event *ev = k > 0 ? replay_event(r, k) : NULL;
	char desc[256], line[300], asks[256] = "";
	size_t pos = 0;
	uint32_t ask;

	buf[0] = '\0';
	if (ev == NULL) {
		snprintf(line, sizeof line, "step 0/%zu: the start", replay_nsteps(r));
		add(buf, len, &pos, "", line);
		return pos;
	}
	replay_describe(r, k, desc, sizeof desc);
	snprintf(line, sizeof line, "step %zu/%zu: %s", k, replay_nsteps(r), desc);
	add(buf, len, &pos, "", line);
	add(buf, len, &pos, "  chapter: ", trace_event_mark(t, ev));
	add(buf, len, &pos, "  screen:  ", trace_event_note(t, ev));
	add(buf, len, &pos, "  say:     ", trace_event_notes(t, ev));
	ask = trace_event_ask(t, ev);
	for (int f = 0; f < TASK_COUNT; f++)
		if (ask & (1u << f))
			snprintf(asks + strlen(asks), sizeof asks - strlen(asks), " %s", trace_ask_name(f));
	add(buf, len, &pos, "  ask:    ", asks);
	return pos;
}

/* ---- the presenter's end ---------------------------------------------------- */

/* Is something listening on PATH? */
static bool
live_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	live = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return live;
}

/* Make room for the socket at PATH: nothing there, or a dead socket
 * (removed).  Returns 0, or -1 with ERR. */
static int
clear_path(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -1;
	}
	if (live_socket(path)) {
		snprintf(err, errlen, "another presenter is running on %s (--socket names another)",
		         path);
		return -1;
	}
	unlink(path);
	return 0;
}

int
present_server_open(struct present_server *s, const char *path, struct replay *r, char *err,
                    size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int rc;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->r = r;
	for (int i = 0; i < PRESENT_MAX_CLIENTS; i++)
		s->client[i] = -1;
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "socket path too long (at most %zu bytes): %s",
		         sizeof sa.sun_path - 1, path);
		return -1;
	}
	if (clear_path(path, err, errlen) != 0)
		return -1;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(077);
	rc = bind(s->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || listen(s->fd, PRESENT_MAX_CLIENTS) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	snprintf(s->path, sizeof s->path, "%s", path);
	return 0;
}

/* Accept whoever is waiting, into free slots. */
static void
accept_new(struct present_server *s)
{
	int fd;

	while ((fd = accept(s->fd, NULL, NULL)) >= 0) {
		int i = 0;

		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		while (i < PRESENT_MAX_CLIENTS && s->client[i] >= 0)
			i++;
		if (i == PRESENT_MAX_CLIENTS) {
			close(fd);
			continue;
		}
		s->client[i] = fd;
		s->sent[i] = (size_t)-1;
	}
}

/* Send all of MSG to client I; a listener that is gone or stuck is dropped. */
static void
send_to(struct present_server *s, int i, const char *msg, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(s->client[i], msg + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n <= 0) {
			close(s->client[i]);
			s->client[i] = -1;
			return;
		}
		off += (size_t)n;
	}
}

void
present_server_show(void *ctx, size_t step)
{
	struct present_server *s = ctx;
	char body[PRESENT_MAX_MSG], msg[PRESENT_MAX_MSG + 64];
	size_t blen, mlen = 0;

	if (s->fd < 0)
		return;
	accept_new(s);
	for (int i = 0; i < PRESENT_MAX_CLIENTS; i++) {
		if (s->client[i] < 0 || s->sent[i] == step)
			continue;
		if (mlen == 0) {
			blen = present_notes_text(s->r, step, body, sizeof body);
			mlen = (size_t)snprintf(msg, sizeof msg, HEADER "%zu\n", blen);
			memcpy(msg + mlen, body, blen);
			mlen += blen;
		}
		send_to(s, i, msg, mlen);
		if (s->client[i] >= 0)
			s->sent[i] = step;
	}
}

void
present_server_close(struct present_server *s)
{
	for (int i = 0; i < PRESENT_MAX_CLIENTS; i++)
		if (s->client[i] >= 0) {
			close(s->client[i]);
			s->client[i] = -1;
		}
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
		s->fd = -1;
	}
}

/* ---- the listener ------------------------------------------------------------- */

/* Connect to PATH; with WAIT, retry every 200 ms until a presenter is
 * there.  Returns the socket or -1 (errno set). */
static int
connect_to(const char *path, bool wait)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	bool said = false;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct timespec ts = { 0, 200 * 1000000L };
		int e;

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		e = errno;
		close(fd);
		errno = e;
		if (!wait || (e != ENOENT && e != ECONNREFUSED))
			return -1;
		if (!said) {
			char clean[200];

			text_sanitize(clean, sizeof clean, path, false);
			fprintf(stderr, "vmscope: waiting for vmscope present on %s\n", clean);
			said = true;
		}
		nanosleep(&ts, NULL);
	}
}

/* Read exactly LEN bytes; 1, 0 at a clean end before any byte, -1 else. */
static int
read_full(FILE *in, char *buf, size_t len)
{
	size_t got = fread(buf, 1, len, in);

	return got == len ? 1 : got == 0 && len > 0 ? 0 : -1;
}

/* Print BODY line by line, each sanitized. */
static void
print_notes(char *body)
{
	for (char *line = body, *nl; line != NULL && *line != '\0'; line = nl) {
		char clean[PRESENT_MAX_MSG];

		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		text_sanitize(clean, sizeof clean, line, false);
		printf("%s\n", clean);
	}
}

int
present_follow(const char *path, bool wait)
{
	int fd = connect_to(path, wait);
	char head[64], *body;
	FILE *in;

	if (fd < 0) {
		char clean[200];

		text_sanitize(clean, sizeof clean, path, false);
		fprintf(stderr, "vmscope: cannot reach a presenter on %s: %s\n", clean, strerror(errno));
		return 1;
	}
	if ((in = fdopen(fd, "r")) == NULL || (body = malloc(PRESENT_MAX_MSG + 1)) == NULL) {
		close(fd);
		return 1;
	}
	while (fgets(head, sizeof head, in) != NULL) {
		char *end;
		unsigned long n = strncmp(head, HEADER, strlen(HEADER)) == 0
		                  ? strtoul(head + strlen(HEADER), &end, 10) : PRESENT_MAX_MSG + 1;

		if (n > PRESENT_MAX_MSG || *end != '\n' || read_full(in, body, n) != 1) {
			fprintf(stderr, "vmscope: a malformed message from the presenter\n");
			fclose(in);
			free(body);
			return 2;
		}
		body[n] = '\0';
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		print_notes(body);
		fflush(stdout);
	}
	printf("(the presenter has stopped)\n");
	fclose(in);
	free(body);
	return 0;
}
