/*
 * Secrets: Argon2id password hashes, random tokens and their stored hashes,
 * constant-time comparison (libsodium throughout).  Nothing here touches
 * the database or the request.
 */
#ifndef INNKEEP_AUTH_H
#define INNKEEP_AUTH_H

#include <stddef.h>

struct arena;

#define AUTH_TOKEN_BYTES	32
#define AUTH_TOKEN_CHARS	43	/* base64url of 32 bytes, no padding */
#define AUTH_HASH_HEX		(2 + 64)	/* "\\x" + 32 bytes in hex */

/* Once at start-up, after sodium_init(): the decoy hash for unknown users. */
int	 auth_init(void);
/* An Argon2id hash (crypto_pwhash_str, interactive limits), or NULL. */
char	*auth_password_hash(struct arena *, const char *password);
/* 1 when password matches hash; also spends the time for NULL hashes. */
int	 auth_password_verify(const char *hash, const char *password);
/* 1 when hash was made with weaker limits than today's. */
int	 auth_password_needs_rehash(const char *hash);
/* A new random token: base64url, AUTH_TOKEN_CHARS long, with prefix. */
char	*auth_token_new(struct arena *, const char *prefix);
/* The stored form of a token: its BLAKE2b-256 as a bytea literal. */
char	*auth_token_hash(struct arena *, const char *token);
/* Constant-time string equality. */
int	 auth_equal(const char *, const char *);

#endif
