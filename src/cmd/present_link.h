/* SPDX-License-Identifier: MIT */
/*
 * present_link.h -- the presenter's speaker notes, sent to a second
 * terminal: `vmscope present` listens on a Unix socket, `vmscope notes
 * --follow` connects to it and prints the notes of each step the
 * presenter shows.
 *
 * The socket is $XDG_RUNTIME_DIR/vmscope-present.sock, or
 * ${TMPDIR:-/tmp}/vmscope-present-UID.sock without XDG_RUNTIME_DIR, or
 * the --socket given; it is made with umask 077 (only its owner may
 * connect) and removed when the presenter stops.  A socket file left by a
 * presenter that died is replaced; a live presenter on it, or a file that
 * is not a socket, is an error.
 *
 * The protocol is text: each message is a line "vmscope-notes 1 LEN"
 * followed by LEN bytes (the notes, several lines, at most
 * PRESENT_MAX_MSG).  The listener treats them as untrusted: every line is
 * sanitized before it reaches the terminal.  No curses.
 */
#ifndef VMSCOPE_PRESENT_LINK_H
#define VMSCOPE_PRESENT_LINK_H

#include <stdbool.h>
#include <stddef.h>

#define PRESENT_MAX_CLIENTS 8
#define PRESENT_MAX_MSG 16384

struct replay;

/* The presenter's end. */
struct present_server {
	int fd;                             /* listening socket, -1: none */
	int client[PRESENT_MAX_CLIENTS];    /* -1: free */
	size_t sent[PRESENT_MAX_CLIENTS];   /* step last sent to each */
	char path[108];
	struct replay *r;                   /* the replay the player shows */
};

/* The default socket path into BUF. */
void present_socket_path(char *buf, size_t len);

/* Listen on PATH for the notes of R's steps.  Returns 0, or -1 with ERR. */
int present_server_open(struct present_server *s, const char *path, struct replay *r,
                        char *err, size_t errlen);
/* Take in new listeners and send the notes of STEP to each one that has
 * not had them (ui_presenter.show). */
void present_server_show(void *ctx, size_t step);
/* Stop listening, disconnect everyone, remove the socket. */
void present_server_close(struct present_server *s);

/* Write the notes of step K of R to BUF (what `vmscope notes` prints for
 * the step: its event, chapter, narration, speaker notes and questions),
 * sanitized.  Returns the length. */
size_t present_notes_text(struct replay *r, size_t k, char *buf, size_t len);

/*
 * The listener: connect to PATH (waiting for a presenter to start when
 * WAIT), then print every message to stdout, each on a cleared screen
 * when stdout is a terminal, until the presenter stops.  Returns 0 when
 * it stopped, 1 when the socket could not be reached (message on stderr),
 * 2 on a malformed message.
 */
int present_follow(const char *path, bool wait);

#endif
