/*
 * hostport.h -- HOST[:PORT] as people type it, and what counts as this
 * computer.
 *
 * One reading of an address for every option that takes one (the client's
 * --connect, the server's --listen, --tls-listen and --upstream): "HOST",
 * "HOST:PORT", "[V6]", "[V6]:PORT", a bare IPv6 address, ":PORT".  One
 * answer to "is it loopback" for every check that keeps the facilitator
 * key off the network: 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 (an IPv4
 * loopback seen through a dual-stack socket), "localhost", a Unix socket.
 */
#ifndef CB_HOSTPORT_H
#define CB_HOSTPORT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

/*
 * Split spec into host (maybe empty, as in ":7117") and a port (dport when
 * spec names none): 0, or -1 when spec is malformed (a '[' without its
 * ']', something after "]" other than ":PORT") or its port is not a
 * number from 0 to 65535.
 */
int	 hostport_split(const char *, int, char *, size_t, int *);
/* True if host is written as a loopback address, or is "localhost". */
bool	 hostport_loopback_name(const char *);
/* True if the address is loopback or a Unix socket's. */
bool	 hostport_loopback_addr(const struct sockaddr *);
/* True if the peer of the connected socket fd is loopback or local. */
bool	 hostport_peer_local(int);

#endif /* CB_HOSTPORT_H */
