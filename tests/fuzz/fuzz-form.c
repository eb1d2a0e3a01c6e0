/*
 * libFuzzer harness for the web UI's own request parsing: cookies and
 * URL-encoded forms and queries (webui/form.c).  Whatever the bytes,
 * the parse ends in bounded, terminated pairs or a refusal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct form *f)
{
	int	 i;

	if (f->n < 0 || f->n > FORM_MAX_PAIRS)
		abort();
	for (i = 0; i < f->n; i++)
		if (strlen(f->v[i].name) > FORM_NAME_MAX ||
		    strlen(f->v[i].value) > FORM_VALUE_MAX)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct form	 f;

	if (form_parse_urlencoded(&f, (const char *)data, size) == 0)
		check(&f);
	else if (f.n != 0)
		abort();
	if (form_parse_cookies(&f, (const char *)data, size) == 0)
		check(&f);
	else if (f.n != 0)
		abort();
	(void)form_get(&f, "zw_session");
	return 0;
}
