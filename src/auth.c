/*
 * Passwords and tokens (see auth.h).  The decoy hash lets a login for an
 * account that does not exist spend one Argon2id verification like any
 * other, so its time says nothing.
 */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "auth.h"

static char	 decoy[crypto_pwhash_STRBYTES];

int
auth_init(void)
{
	unsigned char	 rnd[16];
	char		 pw[33];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(pw, sizeof(pw), rnd, sizeof(rnd));
	return crypto_pwhash_str(decoy, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

char *
auth_password_hash(struct arena *a, const char *password)
{
	char	*out = arena_alloc(a, crypto_pwhash_STRBYTES);

	if (crypto_pwhash_str_alg(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return NULL;	/* out of memory */
	return out;
}

int
auth_password_verify(const char *hash, const char *password)
{
	int	 ok;

	ok = crypto_pwhash_str_verify(hash ? hash : decoy, password,
	    strlen(password)) == 0;
	return hash != NULL && ok;
}

int
auth_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

char *
auth_token_new(struct arena *a, const char *prefix)
{
	unsigned char	 rnd[AUTH_TOKEN_BYTES];
	size_t		 plen = strlen(prefix);
	char		*out;

	randombytes_buf(rnd, sizeof(rnd));
	out = arena_alloc(a, plen + AUTH_TOKEN_CHARS + 1);
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, AUTH_TOKEN_CHARS + 1, rnd, sizeof(rnd),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof(rnd));
	return out;
}

char *
auth_token_hash(struct arena *a, const char *token)
{
	unsigned char	 h[32];
	char		*out = arena_alloc(a, AUTH_HASH_HEX + 1);

	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    strlen(token), NULL, 0);
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, 65, h, sizeof(h));
	return out;
}

int
auth_equal(const char *a, const char *b)
{
	size_t	 n = strlen(a);

	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
