/*
 * Every request handler, by resource.  A handler checks who may do what,
 * runs SQL through db.h, fills ctx->view (or an error) and returns the
 * HTTP status; it never writes HTML or JSON text itself.
 */
#ifndef INNKEEP_HANDLERS_H
#define INNKEEP_HANDLERS_H

struct ctx;

/* h_home.c */
int	h_home(struct ctx *);
/* h_ops.c: operations */
int	h_healthz(struct ctx *);
int	h_readyz(struct ctx *);
int	h_metrics(struct ctx *);
/* h_echo.c: test_routes only */
int	h_echo(struct ctx *);
/* h_account.c: accounts, sessions, profiles, API tokens */
int	h_signup_form(struct ctx *);
int	h_signup(struct ctx *);
int	h_login_form(struct ctx *);
int	h_login(struct ctx *);
int	h_logout(struct ctx *);
int	h_me(struct ctx *);
int	h_me_update(struct ctx *);
int	h_user(struct ctx *);
int	h_tokens(struct ctx *);
int	h_token_create(struct ctx *);
int	h_token_delete(struct ctx *);
/* h_property.c: listings, search, calendar */
int	h_properties(struct ctx *);
int	h_search_sql(struct ctx *);
int	h_property_new(struct ctx *);
int	h_property_create(struct ctx *);
int	h_property(struct ctx *);
int	h_property_edit(struct ctx *);
int	h_property_update(struct ctx *);
int	h_property_delete(struct ctx *);
int	h_calendar(struct ctx *);
int	h_calendar_ics(struct ctx *);

#endif
