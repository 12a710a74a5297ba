/* SPDX-License-Identifier: MIT */
/*
 * ui_cast.h -- asciicast v2 output of the player's screens (ui_cast.c).
 */
#ifndef VMSCOPE_UI_CAST_H
#define VMSCOPE_UI_CAST_H

#include <stdbool.h>
#include <stdio.h>

#include "ui_grid.h"

/* Seconds between two frames of a recording. */
#define UI_CAST_FRAME_SECONDS 1.0

/* The header line: the recording's size and title. */
void ui_cast_header(FILE *out, int cols, int rows, const char *title);
/* One frame: grid G as an output event at time T.  Returns 0 or -1. */
int ui_cast_frame(FILE *out, const struct ui_grid *g, double t, bool no_color);

#endif
