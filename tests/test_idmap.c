/*
 * test_idmap.c -- the id map keeps every key through growth and deletion.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "idmap.h"

Test(idmap, put_get_overwrite)
{
	struct idmap	m;
	uint32_t	v;

	idmap_init(&m);
	cr_assert_not(idmap_get(&m, 5, &v));
	idmap_put(&m, 5, 50);
	idmap_put(&m, 5, 51);
	cr_assert(idmap_get(&m, 5, &v));
	cr_assert_eq(v, 51);
	cr_assert_eq(m.len, 1);
	idmap_free(&m);
}

Test(idmap, many_keys_with_deletions_match_a_reference)
{
	enum { N = 20000 };
	static uint32_t	ref[N + 1];
	struct idmap	m, c;
	uint32_t	v;
	uint64_t	k;
	size_t		i, live = 0;

	idmap_init(&m);
	srand(7);
	for (i = 0; i < 200000; i++) {
		k = (uint64_t)(rand() % N) + 1;
		if (rand() % 3 == 0) {
			cr_assert_eq(idmap_del(&m, k * 1000003ULL), ref[k] != 0);
			ref[k] = 0;
		} else {
			idmap_put(&m, k * 1000003ULL, (uint32_t)i + 1);
			ref[k] = (uint32_t)i + 1;
		}
	}
	for (k = 1; k <= N; k++) {
		if (ref[k] != 0) {
			live++;
			cr_assert(idmap_get(&m, k * 1000003ULL, &v));
			cr_assert_eq(v, ref[k]);
		} else
			cr_assert_not(idmap_get(&m, k * 1000003ULL, NULL));
	}
	cr_assert_eq(m.len, live);
	idmap_copy(&c, &m);
	idmap_clear(&m);
	cr_assert_eq(m.len, 0);
	for (k = 1; k <= N; k++)
		cr_assert_eq(idmap_get(&c, k * 1000003ULL, NULL), ref[k] != 0);
	idmap_free(&m);
	idmap_free(&c);
}
