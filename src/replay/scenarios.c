/* SPDX-License-Identifier: MIT */
/*
 * scenarios.c -- look up the built-in scenarios.
 */
#include <string.h>

#include "scenarios.h"

/* Find a built-in scenario by name ("fork-lifecycle") or path. */
const struct scenario_builtin *
scenario_find(const char *name)
{
	for (const struct scenario_builtin *s = scenario_builtins; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0 || strcmp(s->path, name) == 0)
			return s;
	return NULL;
}
