/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c -- libFuzzer target: any bytes as the configuration file
 * ($XDG_CONFIG_HOME/vmscope/config) through cmd_config_read.  Whatever it
 * accepts must leave the options valid: a known theme, a known profile.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "ui/ui_grid.h"
#include "vm/vm_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmd_view_args a;
	FILE *f, *err = fopen("/dev/null", "w");
	int rc;

	if (err == NULL)
		return 0;
	f = fmemopen(size > 0 ? (void *)data : (void *)"", size > 0 ? size : 1, "r");
	if (f == NULL) {
		fclose(err);
		return 0;
	}
	memset(&a, 0, sizeof a);
	a.ui.theme = UI_THEME_DARK;
	rc = cmd_config_read(f, "config", &a, err);
	if (rc == 0 && (a.ui.theme < UI_THEME_DARK || a.ui.theme > UI_THEME_CONTRAST))
		abort();
	if (rc == 0 && a.profile != NULL && vm_profile_find(a.profile) == NULL)
		abort();
	fclose(f);
	fclose(err);
	return 0;
}
