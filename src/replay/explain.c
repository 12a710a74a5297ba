/* SPDX-License-Identifier: MIT */
/*
 * explain.c -- what a step did and why, in words, from the effects the
 * model reported (struct vm_effects): "copy-on-write fault: 1 page copied
 * into a new shadow object; the shadow bypassed the object below it".
 * The player's narration and `vmscope grade`'s reasons both use it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"

/* A growing sentence. */
struct sb {
	char *buf;
	size_t len, o;
};

/* Append formatted text. */
static void __attribute__((format(printf, 2, 3)))
sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->o + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->o, b->len - b->o, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->o += (size_t)n < b->len - b->o ? (size_t)n : b->len - b->o - 1;
}

size_t
explain_plural(char *s, unsigned n)
{
	char *p;

	while ((p = strstr(s, "(s)")) != NULL) {
		if (n == 1) {
			memmove(p, p + 3, strlen(p + 3) + 1);
		} else {
			memmove(p + 1, p + 3, strlen(p + 3) + 1);
			*p = 's';
		}
	}
	return strlen(s);
}

/* Make the "(s)" written since FROM plural or not by N. */
static void
sb_plural(struct sb *b, size_t from, unsigned n)
{
	b->o = from + explain_plural(b->buf + from, n);
}

/* A why-phrase for an effects flag.  %u is the flag's counter when it has one. */
struct phrase {
	uint32_t flag;
	const char *text;
	int counter;   /* 0 none, 1 zero-filled, 2 copied, 3 pushed, 4 freed, 5 clipped, 6 merged */
};

/*
 * The same effects told in Linux terms (mm/memory.c, mm/mmap.c), for the
 * linux profile: page tables, write-protected PTEs, do_wp_page, map
 * counts, the zero page.  The model's Mach mechanics that Linux does not
 * have (shadow objects, collapse, bypass) are left untold.  NULL text:
 * nothing to say.
 */
static const struct phrase linux_phrases[] = {
	{ VMFX_OBJECT_CREATED, "first touch: the mapping gets its anonymous memory (anon_vma)", 0 },
	{ VMFX_ZERO_FILL, "%u page(s) allocated and zero-filled (do_anonymous_page)", 1 },
	{ VMFX_COPY_QUICKLY, "fork copied the page tables: each private page is write-protected in "
	  "both processes and mapped twice (copy_present_pte)", 0 },
	{ VMFX_FRAME_REUSED, "the page was mapped only once, so do_wp_page reused it in place: no "
	  "copy", 0 },
	{ VMFX_PAGES_FAULTED_IN, "pages faulted in", 0 },
	{ VMFX_PAGED_IN, "file pages read into the page cache", 0 },
	{ VMFX_COALESCED, "the new range joined the mapping before it (vma_merge)", 0 },
	{ VMFX_COALESCED_NEXT, "the new range joined the mapping after it (vma_merge)", 0 },
	{ VMFX_CLIPPED, "%u mapping split(s) (split_vma)", 5 },
	{ VMFX_SIMPLIFIED, "%u mappings merged back (vma_merge)", 6 },
	{ VMFX_SOURCE_REMOVED, "the source range was unmapped", 0 },
	{ VMFX_HOLES_SKIPPED, "holes in the range were skipped", 0 },
	{ VMFX_PURGEABLE_IGNORED, "Linux has no purgeable memory: flag ignored", 0 },
	{ VMFX_LINUX_ANALOGUE, "modelled by its Linux analogue", 0 },
	{ VMFX_ZERO_PAGE, "a read of untouched memory mapped the shared zero page (nothing "
	  "allocated)", 0 },
};

/* Why-phrases for the effects flags, in the order they are told. */
static const struct phrase phrases[] = {
	{ VMFX_MALLOC_NO_COW, "a malloc tag: the object is made at once, copied only by fork "
	  "(COPY_DELAY_FORK, true_share)", 0 },
	{ VMFX_OBJECT_CREATED, "first touch: a VM object was created for the entry", 0 },
	{ VMFX_ZERO_FILL, "%u page(s) zero-filled", 1 },
	{ VMFX_SHADOW_SKIPPED, "no copy needed: the object had ref_count 1, so needs_copy was "
	  "just cleared (vm_object_shadow skipped)", 0 },
	{ VMFX_KERNEL_BUFFER, "small message: the bytes were copied into a kernel buffer at send "
	  "time", 0 },
	{ VMFX_EAGER_COPY, "physical copy: %u page(s) copied eagerly through a kernel buffer", 2 },
	{ VMFX_COPY_SLOWLY, "vm_object_copy_slowly: %u page(s) copied into a new private object", 2 },
	{ VMFX_COPY_QUICKLY, "shared copy-on-write (vm_object_copy_quickly): same object, "
	  "needs_copy on both sides", 0 },
	{ VMFX_COPY_DELAYED, "delayed copy through a copy object", 0 },
	{ VMFX_PUSHED, "%u page(s) pushed into the copy object first", 3 },
	{ VMFX_PAGES_FAULTED_IN, "pages faulted in", 0 },
	{ VMFX_PAGED_IN, "file pages read from the pager", 0 },
	{ VMFX_FRAME_REUSED, "the page was reused in place, no copy (do_wp_page)", 0 },
	{ VMFX_COLLAPSED, "vm_object_collapse moved the backing object's pages up", 0 },
	{ VMFX_BYPASSED, "the shadow bypassed the object below it (its ref_count drops by 1)", 0 },
	{ VMFX_COALESCED, "the range extended the previous entry (coalesced, no new entry)", 0 },
	{ VMFX_COALESCED_NEXT, "the range was joined to the front of the next entry (coalesced, "
	  "no new entry)", 0 },
	{ VMFX_CLIPPED, "%u entry clip(s)", 5 },
	{ VMFX_SIMPLIFIED, "%u entries merged back (vm_map_simplify_entry)", 6 },
	{ VMFX_SOURCE_REMOVED, "the source range was deallocated", 0 },
	{ VMFX_MOVED, "the object moved to the receiver", 0 },
	{ VMFX_HOLES_SKIPPED, "holes in the range were skipped", 0 },
	{ VMFX_OBJECT_FREED, "%u object(s) freed", 4 },
	{ VMFX_PURGEABLE_IGNORED, "this profile has no purgeable memory: flag ignored", 0 },
	{ VMFX_LINUX_ANALOGUE, "modelled by its Linux analogue", 0 },
	{ VMFX_ZERO_PAGE, "a read of untouched memory mapped the shared zero page (nothing "
	  "allocated)", 0 },
};

/* The counter a phrase reports. */
static unsigned
counter(const struct vm_effects *fx, int which)
{
	switch (which) {
	case 1: return fx->pages_zero_filled;
	case 2: return fx->pages_copied;
	case 3: return fx->pages_pushed;
	case 4: return fx->objects_freed;
	case 5: return fx->entries_clipped;
	case 6: return fx->entries_merged;
	}
	return 0;
}

/* Tell the phrases of TAB (N of them) for the flags F. */
static int
tell_phrases(struct sb *b, const struct vm_effects *fx, uint32_t f, const struct phrase *tab,
             size_t ntab, int n)
{
	for (size_t i = 0; i < ntab; i++) {
		if ((f & tab[i].flag) == 0)
			continue;
		if (tab[i].flag == VMFX_PAGES_FAULTED_IN && (f & VMFX_ZERO_FILL))
			continue;
		sb_add(b, n ? "; " : "");
		if (tab[i].counter) {
			const char *at = strstr(tab[i].text, "%u");
			size_t from = b->o;
			unsigned cnt = counter(fx, tab[i].counter);

			sb_add(b, "%.*s%u%s", (int)(at - tab[i].text), tab[i].text, cnt, at + 2);
			sb_plural(b, from, cnt);
		} else {
			sb_add(b, "%s", tab[i].text);
		}
		n++;
	}
	return n;
}

/* Tell the effects in Linux terms. */
static int
tell_linux(struct sb *b, const struct vm_effects *fx)
{
	uint32_t f = fx->flags;
	int n = 0;

	if (f & VMFX_COW_COPY) {
		size_t at = b->o;

		sb_add(b, "copy-on-write fault: %u page(s) were mapped more than once, so do_wp_page "
		       "copied them", fx->pages_copied);
		sb_plural(b, at, fx->pages_copied);
		n++;
	}
	return tell_phrases(b, fx, f, linux_phrases, sizeof linux_phrases / sizeof linux_phrases[0], n);
}

/* Tell the effects into B; returns how many phrases were written. */
static int
tell_effects(struct sb *b, const struct vm_effects *fx)
{
	uint32_t f = fx->flags;
	int n = 0;

	/* The copy-on-write fault is one story: copy + shadow. */
	if ((f & VMFX_COW_COPY) && (f & VMFX_SHADOW_CREATED)) {
		size_t at = b->o;

		sb_add(b, "copy-on-write fault: %u page(s) copied into a new shadow object",
		       fx->pages_copied);
		sb_plural(b, at, fx->pages_copied);
		f &= ~(uint32_t)(VMFX_COW_COPY | VMFX_SHADOW_CREATED);
		n++;
	} else if (f & VMFX_SHADOW_CREATED) {
		sb_add(b, "a new shadow object was put on top (vm_object_shadow)");
		f &= ~(uint32_t)VMFX_SHADOW_CREATED;
		n++;
	} else if (f & VMFX_COW_COPY) {
		size_t at = b->o;

		sb_add(b, "copy-on-write fault: %u page(s) copied up the shadow chain",
		       fx->pages_copied);
		sb_plural(b, at, fx->pages_copied);
		f &= ~(uint32_t)VMFX_COW_COPY;
		n++;
	}
	n = tell_phrases(b, fx, f, phrases, sizeof phrases / sizeof phrases[0], n);
	if (f & VMFX_OOL_RECEIVED) {
		sb_add(b, "%sthe receiver's descriptor says copy=%s, deallocate=%s (copyout sets "
		       "deallocate for every virtual copy, whatever the sender asked)", n ? "; " : "",
		       fx->desc_physical ? "PHYSICAL" : "VIRTUAL", fx->desc_dealloc ? "yes" : "no");
		n++;
	}
	return n;
}


int
explain_effects(const struct vm_effects *fx, bool linux_terms, char *buf, size_t len)
{
	struct sb b = { buf, len, 0 };

	if (len == 0)
		return 0;
	buf[0] = '\0';
	return linux_terms ? tell_linux(&b, fx) : tell_effects(&b, fx);
}
