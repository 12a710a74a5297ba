/* SPDX-License-Identifier: MIT */
/*
 * config_file.c -- the configuration file, $XDG_CONFIG_HOME/vmscope/config
 * (else ~/.config/vmscope/config): lines of "key = value", # comments.
 *
 *     theme = light          # dark (default), light, contrast
 *     mouse = off            # on (default), off
 *     animation = off        # on (default), off
 *     profile = linux        # default kernel profile of play, render, dump...
 *
 * It is read before the command line, so options win; NO_COLOR wins over
 * any theme.  A bad line is reported as FILE:LINE: message (exit 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ui/ui.h"
#include "ui/ui_grid.h"
#include "vm/vm_profile.h"

/* The config file's path into BUF, or false when there is no home. */
static bool
config_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	/* The XDG base directory spec: a relative XDG_CONFIG_HOME is ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return (size_t)snprintf(buf, len, "%s/vmscope/config", xdg) < len;
	if (home != NULL && home[0] != '\0')
		return (size_t)snprintf(buf, len, "%s/.config/vmscope/config", home) < len;
	return false;
}

/* "on"/"off" into *OUT; false for anything else. */
static bool
on_off(const char *v, bool *out)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		return *out = true, true;
	if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		return *out = false, true;
	return false;
}

/* Strip blanks at both ends of S, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Apply KEY = VAL to A; returns NULL or what is wrong. */
static const char *
config_set(struct cmd_view_args *a, const char *key, const char *val, char *why, size_t len)
{
	bool b;
	int t;

	if (strcmp(key, "theme") == 0) {
		if ((t = ui_theme_parse(val)) < 0)
			return snprintf(why, len, "theme is dark, light or contrast, not '%s'", val), why;
		a->ui.theme = t;
	} else if (strcmp(key, "mouse") == 0 || strcmp(key, "animation") == 0) {
		if (!on_off(val, &b))
			return snprintf(why, len, "%s is on or off, not '%s'", key, val), why;
		*(key[0] == 'm' ? &a->ui.mouse : &a->ui.animate) = b;
	} else if (strcmp(key, "profile") == 0) {
		if (vm_profile_find(val) == NULL) {
			size_t o = (size_t)snprintf(why, len, "unknown profile '%s'; known:", val);

			for (size_t i = 0; vm_profiles[i] != NULL && o < len; i++)
				o += (size_t)snprintf(why + o, len - o, " %s", vm_profiles[i]->name);
			return why;
		}
		snprintf(a->config_profile, sizeof a->config_profile, "%s", val);
		a->profile = a->config_profile;
	} else {
		return snprintf(why, len, "unknown key '%s' (theme, mouse, animation, profile)", key),
		       why;
	}
	return NULL;
}

int
cmd_config_read(FILE *f, const char *path, struct cmd_view_args *a, FILE *err)
{
	char line[512], why[256];
	int lineno = 0;

	while (fgets(line, sizeof line, f) != NULL) {
		char *s = line, *eq, *hash;
		const char *bad;

		lineno++;
		if ((hash = strchr(s, '#')) != NULL)
			*hash = '\0';
		s = trim(s);
		if (*s == '\0')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			fprintf(err, "%s:%d: expected 'key = value'\n", path, lineno);
			return EXIT_BAD_INPUT;
		}
		*eq = '\0';
		bad = config_set(a, trim(s), trim(eq + 1), why, sizeof why);
		if (bad != NULL) {
			fprintf(err, "%s:%d: %s\n", path, lineno, bad);
			return EXIT_BAD_INPUT;
		}
	}
	return 0;
}

int
cmd_config_apply(struct cmd_view_args *a)
{
	char path[4096];
	FILE *f;
	int rc;

	if (!config_path(path, sizeof path) || (f = fopen(path, "r")) == NULL)
		return 0;   /* no config file: the defaults */
	rc = cmd_config_read(f, path, a, stderr);
	fclose(f);
	return rc;
}
