/*
 * Binary trie for longest-prefix match.  Nodes live in one array that
 * grows by doubling; children are indexes (0: none, the root is never a
 * child).  Configurations hold thousands of prefixes, not millions, so
 * path compression would buy nothing worth its code.
 */
#include <stdlib.h>
#include <string.h>

#include "lpm.h"

struct lpm_node {
	uint32_t	 child[2];
	int32_t		 value;		/* -1: no prefix ends here */
};

struct lpm {
	struct lpm_node	*nodes;
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	 root[2];	/* IPv4, IPv6 */
};

static uint32_t
node_new(struct lpm *t)
{
	struct lpm_node	*nn;
	uint32_t	 cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if ((nn = reallocarray(t->nodes, cap, sizeof(*nn))) == NULL)
			return 0;
		t->nodes = nn;
		t->cap = cap;
	}
	t->nodes[t->n].child[0] = t->nodes[t->n].child[1] = 0;
	t->nodes[t->n].value = -1;
	return t->n++;
}

struct lpm *
lpm_new(void)
{
	struct lpm	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	/* Node 0 stands for "none" in child links; the roots follow it. */
	if (node_new(t) != 0 || (t->root[0] = node_new(t)) == 0 ||
	    (t->root[1] = node_new(t)) == 0) {
		lpm_free(t);
		return NULL;
	}
	return t;
}

void
lpm_free(struct lpm *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t);
}

static int
bit(const uint8_t *addr, int i)
{
	return (addr[i / 8] >> (7 - i % 8)) & 1;
}

int
lpm_insert(struct lpm *t, const struct prefix *p, int32_t value)
{
	uint32_t	 cur = t->root[p->ipver == 6], next;
	int		 i, b;

	for (i = 0; i < p->len; i++) {
		b = bit(p->addr, i);
		if ((next = t->nodes[cur].child[b]) == 0) {
			if ((next = node_new(t)) == 0)
				return -1;
			t->nodes[cur].child[b] = next;
		}
		cur = next;
	}
	t->nodes[cur].value = value;
	return 0;
}

int32_t
lpm_lookup(const struct lpm *t, const uint8_t *addr, int ipver)
{
	uint32_t	 cur = t->root[ipver == 6];
	int32_t		 best = t->nodes[cur].value;
	int		 i, bits = ipver == 6 ? 128 : 32;

	for (i = 0; i < bits; i++) {
		if ((cur = t->nodes[cur].child[bit(addr, i)]) == 0)
			break;
		if (t->nodes[cur].value != -1)
			best = t->nodes[cur].value;
	}
	return best;
}
