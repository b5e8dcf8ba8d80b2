/*
 * innkeep serve: the FastCGI server.  A fixed pool of threads, each
 * blocking in FCGX_Accept_r with its own arena and database connection.
 */
#ifndef INNKEEP_SERVER_H
#define INNKEEP_SERVER_H

struct conf;

/* Runs until SIGTERM or SIGINT; returns the exit status. */
int	server_run(const struct conf *);

#endif
