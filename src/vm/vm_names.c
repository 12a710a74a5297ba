/* SPDX-License-Identifier: MIT */
/*
 * vm_names.c -- names of the model's constants, for reports and traces.
 */
#include <string.h>

#include "vm.h"

/* Name a kern_return_t as mach/kern_return.h does. */
const char *
vm_kr_name(kern_return_t kr)
{
	switch (kr) {
	case KERN_SUCCESS: return "KERN_SUCCESS";
	case KERN_INVALID_ADDRESS: return "KERN_INVALID_ADDRESS";
	case KERN_PROTECTION_FAILURE: return "KERN_PROTECTION_FAILURE";
	case KERN_NO_SPACE: return "KERN_NO_SPACE";
	case KERN_INVALID_ARGUMENT: return "KERN_INVALID_ARGUMENT";
	case KERN_FAILURE: return "KERN_FAILURE";
	case KERN_RESOURCE_SHORTAGE: return "KERN_RESOURCE_SHORTAGE";
	case KERN_INVALID_NAME: return "KERN_INVALID_NAME";
	case KERN_INVALID_TASK: return "KERN_INVALID_TASK";
	case KERN_NOT_SUPPORTED: return "KERN_NOT_SUPPORTED";
	}
	return "KERN_UNKNOWN";
}

static const char *const sm_names[] = {
	"SM_NONE", "SM_COW", "SM_PRIVATE", "SM_EMPTY", "SM_SHARED", "SM_TRUESHARED",
	"SM_PRIVATE_ALIASED", "SM_SHARED_ALIASED", "SM_LARGE_PAGE",
};

/* vmmap's SHRMOD legend; LARGE_PAGE has no Apple abbreviation. */
static const char *const sm_abbrev[] = {
	"???", "COW", "PRV", "NUL", "SHM", "SHM", "ALI", "S/A", "LPG",
};

/* Name a share mode ("SM_COW"). */
const char *
vm_share_mode_name(int sm)
{
	if (sm < 0 || sm > SM_LARGE_PAGE)
		return "SM_NONE";
	return sm_names[sm];
}

/* Abbreviate a share mode as vmmap does ("COW"). */
const char *
vm_share_mode_abbrev(int sm)
{
	if (sm < 0 || sm > SM_LARGE_PAGE)
		return "???";
	return sm_abbrev[sm];
}

/* Name an inheritance value. */
const char *
vm_inherit_name(int inh)
{
	switch (inh) {
	case VM_INHERIT_SHARE: return "share";
	case VM_INHERIT_COPY: return "copy";
	case VM_INHERIT_NONE: return "none";
	}
	return "?";
}

/* Name a copy strategy. */
const char *
vm_copy_strategy_name(int cs)
{
	switch (cs) {
	case COPY_SYMMETRIC: return "SYMMETRIC";
	case COPY_DELAY: return "DELAY";
	case COPY_NONE: return "NONE";
	case COPY_DELAY_FORK: return "DELAY_FORK";
	}
	return "?";
}

/* Write PROT as "rwx" with '-' for missing rights. */
void
vm_prot_str(int prot, char out[4])
{
	out[0] = (prot & VM_PROT_READ) ? 'r' : '-';
	out[1] = (prot & VM_PROT_WRITE) ? 'w' : '-';
	out[2] = (prot & VM_PROT_EXECUTE) ? 'x' : '-';
	out[3] = '\0';
}

/* Parse "rw-" (exactly three characters, r/w/x or '-' in place). */
int
vm_prot_parse(const char *s)
{
	static const char letters[3] = { 'r', 'w', 'x' };
	int prot = 0;

	if (s == NULL || strlen(s) != 3)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (s[i] == letters[i])
			prot |= 1 << i;
		else if (s[i] != '-')
			return -1;
	}
	return prot;
}
