/* SPDX-License-Identifier: MIT */
/*
 * scenarios.h -- the scenarios built into the binary (the data directory,
 * embedded at build time by tests/embed.sh), so that the default demo and
 * `vmscope list` work without installed data.
 */
#ifndef VMSCOPE_SCENARIOS_H
#define VMSCOPE_SCENARIOS_H

#include <stddef.h>

struct scenario_builtin {
	const char *name;   /* "fork-lifecycle" */
	const char *path;   /* "data/fork-lifecycle.jsonl" */
	const char *text;
	size_t len;
};

/* NULL-terminated, in data/ order; the first is the default demo. */
extern const struct scenario_builtin scenario_builtins[];

/* The built-in scenario called NAME (or with that path), or NULL. */
const struct scenario_builtin *scenario_find(const char *name);

#endif
