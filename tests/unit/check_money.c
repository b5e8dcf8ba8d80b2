/* Unit tests: amounts parsed to integer cents and formatted back. */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "unit.h"

/* The listing price limit, 9999999.99 (docs/properties.md). */
#define MAX	999999999LL

static enum money_err
parse(const char *s, long long *cents)
{
	*cents = -42;
	return money_parse(s, MAX, cents);
}

START_TEST(test_parse_ok)
{
	static const struct {
		const char	*s;
		long long	 cents;
	} ok[] = {
		{ "120", 12000 },
		{ "120.5", 12050 },
		{ "120.50", 12050 },
		{ "0.99", 99 },
		{ "0", 0 },
		{ "0.0", 0 },
		{ "0.00", 0 },
		{ "0.05", 5 },
		{ "1.5", 150 },
		{ "007.50", 750 },
		{ "000000000000000000000000000000001", 100 },
		{ "9999999.99", MAX },
		{ "09999999.99", MAX },
		{ "9999999.9", 999999990 },
		{ "9999999", 999999900 },
	};
	long long	 c;
	size_t		 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse(ok[i].s, &c) != MONEY_OK)
			ck_abort_msg("money_parse refused \"%s\"", ok[i].s);
		ck_assert_int_eq(c, ok[i].cents);
	}
}
END_TEST

START_TEST(test_parse_syntax)
{
	static const char *const bad[] = {
		"1.", ".5", "1.234", "-1", "+1", " 1", "1 ", "1e3", "", "1,5",
		"1,000", "1.2.3", "..", ".", "-0", "1.-5", "1.+5", "0x10",
		"NaN", "inf", "1\n", "1_000", "1.5 ", "\xd9\xa1",
		"12\xef\xbc\x8e" "50",
		/* Malformed and huge: the shape is what is wrong. */
		"99999999999999999999999.999", "99999999999999999999999x",
		"-99999999999999999999999",
	};
	long long	 c;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &c) != MONEY_SYNTAX)
			ck_abort_msg("money_parse: \"%s\" is not a syntax "
			    "error", bad[i]);
		/* A refusal leaves the output alone. */
		ck_assert_int_eq(c, -42);
	}
	ck_assert_int_eq(parse(NULL, &c), MONEY_SYNTAX);
}
END_TEST

START_TEST(test_parse_range)
{
	static const char *const big[] = {
		"10000000", "10000000.00", "10000000.0",
		"10000000.01", "99999999999999999999999",
		"92233720368547758.07", "92233720368547758.08",
		"184467440737095516.16", "99999999999999999999999.99",
	};
	long long	 c;
	size_t		 i;

	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		if (parse(big[i], &c) != MONEY_RANGE)
			ck_abort_msg("money_parse: \"%s\" is not a range "
			    "error", big[i]);
		ck_assert_int_eq(c, -42);
	}
}
END_TEST

START_TEST(test_parse_boundaries)
{
	long long	 c;

	/* Exactly the limit, and one cent over, whatever the limit. */
	ck_assert_int_eq(money_parse("9999999.99", MAX, &c), MONEY_OK);
	ck_assert_int_eq(c, MAX);
	ck_assert_int_eq(money_parse("10000000.00", MAX, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("10000000", MAX, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("1.00", 100, &c), MONEY_OK);
	ck_assert_int_eq(money_parse("1.01", 100, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("0.05", 5, &c), MONEY_OK);
	ck_assert_int_eq(money_parse("0.06", 5, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("0", 0, &c), MONEY_OK);
	ck_assert_int_eq(c, 0);
	ck_assert_int_eq(money_parse("0.01", 0, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("0", -1, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("x", -1, &c), MONEY_SYNTAX);
	/* The largest amount a long long holds, and the next cent. */
	ck_assert_int_eq(money_parse("92233720368547758.07", LLONG_MAX, &c),
	    MONEY_OK);
	ck_assert_int_eq(c, LLONG_MAX);
	ck_assert_int_eq(money_parse("92233720368547758.08", LLONG_MAX, &c),
	    MONEY_RANGE);
	ck_assert_int_eq(money_parse("92233720368547759", LLONG_MAX, &c),
	    MONEY_RANGE);
	ck_assert_int_eq(money_parse("0000000000000000000000092233720368547758"
	    ".07", LLONG_MAX, &c), MONEY_OK);
	ck_assert_int_eq(c, LLONG_MAX);
	/* A max that is not a round number of units. */
	ck_assert_int_eq(money_parse("12.34", 1234, &c), MONEY_OK);
	ck_assert_int_eq(money_parse("12.35", 1234, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("12.4", 1234, &c), MONEY_RANGE);
	ck_assert_int_eq(money_parse("13", 1234, &c), MONEY_RANGE);
}
END_TEST

START_TEST(test_parse_huge)
{
	size_t		 n = 1 << 20;
	char		*s = malloc(n + 4);
	long long	 c;

	/* A megabyte of nines: refused early, never overflowed. */
	memset(s, '9', n);
	s[n] = '\0';
	ck_assert_int_eq(money_parse(s, LLONG_MAX, &c), MONEY_RANGE);
	memcpy(s + n, ".99", 4);
	ck_assert_int_eq(money_parse(s, LLONG_MAX, &c), MONEY_RANGE);
	/* A megabyte of zeros then 1.50 is only 1.50. */
	memset(s, '0', n);
	memcpy(s + n - 4, "1.50", 5);
	ck_assert_int_eq(money_parse(s, MAX, &c), MONEY_OK);
	ck_assert_int_eq(c, 150);
	free(s);
}
END_TEST

START_TEST(test_format)
{
	static const struct {
		long long	 cents;
		const char	*s;
	} f[] = {
		{ 12050, "120.50" },
		{ 12000, "120.00" },
		{ 0, "0.00" },
		{ 5, "0.05" },
		{ 99, "0.99" },
		{ 100, "1.00" },
		{ MAX, "9999999.99" },
		{ -5, "-0.05" },
		{ -12050, "-120.50" },
		{ LLONG_MAX, "92233720368547758.07" },
		{ LLONG_MIN, "-92233720368547758.08" },
	};
	char		 out[24];
	size_t		 i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		memset(out, 'x', sizeof(out));
		money_format(f[i].cents, out);
		ck_assert_str_eq(out, f[i].s);
	}
}
END_TEST

/* Every amount to 1000.00 and the last ones below the limit. */
START_TEST(test_round_trip)
{
	char		 out[24];
	long long	 c, back;

	for (c = 0; c <= MAX; c = c == 100000 ? MAX - 1000 : c + 1) {
		money_format(c, out);
		back = -1;
		/* No ck_assert here: each is a mark point, slow in a loop. */
		if (money_parse(out, MAX, &back) != MONEY_OK || back != c)
			ck_abort_msg("%lld: \"%s\" parsed as %lld", c, out,
			    back);
	}
	money_format(MAX + 1, out);
	ck_assert_str_eq(out, "10000000.00");
	ck_assert_int_eq(money_parse(out, MAX, &back), MONEY_RANGE);
}
END_TEST

static Suite *
money_suite(void)
{
	Suite	*s = suite_create("money");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_test(core, test_parse_ok);
	tcase_add_test(core, test_parse_syntax);
	tcase_add_test(core, test_format);
	tcase_add_test(core, test_round_trip);
	tcase_add_test(lim, test_parse_range);
	tcase_add_test(lim, test_parse_boundaries);
	tcase_add_test(lim, test_parse_huge);
	suite_add_tcase(s, core);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	return unit_run(money_suite());
}
