/*
 * ui.c -- PLACEHOLDER committed by the lead so that main builds while the
 * player (issue 3) is being written; the player replaces this file.
 */
#include <stdio.h>
#include <string.h>

#include "replay.h"
#include "ui.h"

/* Fill O with the defaults. */
void
ui_opts_default(struct ui_opts *o)
{
	memset(o, 0, sizeof *o);
	o->animate = true;
	o->left = o->right = -1;
}

/* Not built yet: say so. */
int
ui_run(struct replay *r, const struct ui_opts *o)
{
	(void)r;
	(void)o;
	fprintf(stderr, "vmscope: the player is not built yet; try 'vmscope dump'\n");
	return 1;
}

/* Not built yet: say so. */
int
ui_render(struct replay *r, const struct ui_opts *o, int cols, int rows, size_t step,
          const char *keys, enum ui_format format, FILE *out, char *err, size_t errlen)
{
	(void)r; (void)o; (void)cols; (void)rows; (void)step; (void)keys; (void)format; (void)out;
	snprintf(err, errlen, "render is not built yet");
	return -1;
}
