/* SPDX-License-Identifier: MIT */
/*
 * ui_cast.c -- the player's screens as an asciicast v2 recording
 * (`vmscope render --format asciicast`): a JSON header with the size, then
 * one output event per frame, each frame the ANSI screen drawn from home
 * after clearing, at increasing times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_write.h"
#include "ui_cast.h"

void
ui_cast_header(FILE *out, int cols, int rows, const char *title)
{
	fprintf(out, "{\"version\": 2, \"width\": %d, \"height\": %d, \"title\": ", cols, rows);
	tw_json_fputs(out, title != NULL ? title : "vmscope");
	fputs(", \"env\": {\"TERM\": \"xterm-256color\"}}\n", out);
}

int
ui_cast_frame(FILE *out, const struct ui_grid *g, double t, bool no_color)
{
	char *buf = NULL, *frame;
	size_t len = 0, n = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc = 0;

	if (mem == NULL)
		return -1;
	fputs("\033[H\033[2J", mem);
	rc = ui_grid_write(g, UI_FORMAT_ANSI, no_color, mem);
	if (fclose(mem) != 0 || rc != 0 || (frame = malloc(2 * len + 1)) == NULL) {
		free(buf);
		return -1;
	}
	/* The terminal is raw: a line ends with CR LF. */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			frame[n++] = '\r';
		frame[n++] = buf[i];
	}
	frame[n] = '\0';
	fprintf(out, "[%.3f, \"o\", ", t);
	tw_json_fputs(out, frame);
	fputs("]\n", out);
	free(frame);
	free(buf);
	return ferror(out) ? -1 : 0;
}
