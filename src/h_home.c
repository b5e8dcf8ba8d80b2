/*
 * The home page.  A minimal page for now: the template issue gives it the
 * site's layout and the search box.
 */
#include "config.h"

#include "app.h"
#include "handlers.h"
#include "view.h"

int
h_home(struct ctx *c)
{
	c->view = view_object();
	view_set_str(c->view, "name", PACKAGE_NAME);
	view_set_str(c->view, "version", PACKAGE_VERSION);
	c->tmpl = "home";
	c->title = "Welcome to innkeep";
	c->text = "innkeep is a marketplace for places to stay. Listings, "
	    "bookings and reviews open here soon.";
	return 200;
}
