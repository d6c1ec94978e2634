/*
 * hostport.c -- HOST[:PORT] as people type it, and what counts as this
 * computer (see hostport.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostport.h"

/* A port number from 0 to 65535 written in decimal; -1 otherwise. */
static int
hostport_port(const char *s)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	return (int)v;
}

/* Split HOST[:PORT], [V6]:PORT or a bare V6 address (see hostport.h). */
int
hostport_split(const char *spec, int dport, char *host, size_t hostlen,
    int *port)
{
	const char	*colon, *end, *ps = NULL;
	size_t		 n;

	*port = dport;
	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL)
			return -1;
		n = (size_t)(end - spec - 1);
		if (end[1] == ':')
			ps = end + 2;
		else if (end[1] != '\0')
			return -1;
		spec++;
	} else if ((colon = strrchr(spec, ':')) != NULL &&
	    strchr(spec, ':') == colon) {
		n = (size_t)(colon - spec);
		ps = colon + 1;
	} else
		n = strlen(spec);	/* a name, or a bare IPv6 address */
	if (n >= hostlen)
		return -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (ps != NULL && (*port = hostport_port(ps)) < 0)
		return -1;
	return 0;
}

/* True if the IPv6 address is ::1 or an IPv4 loopback mapped into v6. */
static bool
hostport_loopback6(const struct in6_addr *a)
{
	return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) &&
	    a->s6_addr[12] == 127);
}

/* True if host is written as a loopback address, or is "localhost". */
bool
hostport_loopback_name(const char *host)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 && hostport_loopback6(&a6);
}

/* True if the address is loopback or a Unix socket's. */
bool
hostport_loopback_addr(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_UNIX:
		return true;
	case AF_INET:
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	case AF_INET6:
		return hostport_loopback6(&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr);
	default:
		return false;
	}
}

/* True if the peer of the connected socket fd is loopback or local. */
bool
hostport_peer_local(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;

	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		return false;
	return hostport_loopback_addr((struct sockaddr *)&ss);
}
