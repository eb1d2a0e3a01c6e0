/*
 * A store in a directory of its own, made before each test and removed
 * after, and the administrators' store beside it: the fixture of the
 * unit tests of the stores' modules.
 */
#ifndef ZW_TEST_TMPSTORE_H
#define ZW_TEST_TMPSTORE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "store.h"

static char	 dir[64];
static char	 path[128];
static char	 admin_path[160];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/zw-test-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.db", dir);
	snprintf(admin_path, sizeof(admin_path), "%s/admin/admin.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

__attribute__((unused)) static struct store *
open_rw(void)
{
	char		 err[256];
	struct store	*s = store_open(path, STORE_CREATE, err, sizeof(err));

	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

/* The administrators' store beside it, made at first open. */
__attribute__((unused)) static struct store *
open_admin(void)
{
	char		 err[256];
	struct store	*s = store_admin_open(admin_path, path, STORE_CREATE,
			    err, sizeof(err));

	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

#endif
