/*
 * test_hostport.c -- HOST[:PORT] as every option reads it, and the one
 * answer to "is it this computer" that keeps the facilitator key off the
 * network.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "hostport.h"

/* spec must split into want_host and want_port (dport 7117). */
static void
split_ok(const char *spec, const char *want_host, int want_port)
{
	char	host[64];
	int	port = -2;

	cr_assert_eq(hostport_split(spec, 7117, host, sizeof host, &port), 0,
	    "%s refused", spec);
	cr_assert_str_eq(host, want_host, "%s: host %s", spec, host);
	cr_assert_eq(port, want_port, "%s: port %d", spec, port);
}

/* spec must be refused. */
static void
split_bad(const char *spec)
{
	char	host[64];
	int	port;

	cr_assert_eq(hostport_split(spec, 7117, host, sizeof host, &port), -1,
	    "%s accepted", spec);
}

Test(hostport, every_way_people_write_an_address)
{
	split_ok("cafe.example", "cafe.example", 7117);
	split_ok("cafe.example:7200", "cafe.example", 7200);
	split_ok("10.0.0.5:7118", "10.0.0.5", 7118);
	split_ok("[::1]:7200", "::1", 7200);
	split_ok("[fe80::1]", "fe80::1", 7117);
	split_ok("fe80::1", "fe80::1", 7117);	/* bare IPv6: no port */
	split_ok(":7200", "", 7200);
	split_ok("127.0.0.1:0", "127.0.0.1", 0);	/* any free port */
}

Test(hostport, malformed_addresses_are_refused_not_guessed)
{
	split_bad("[::1");
	split_bad("[::1]7200");
	split_bad("host:");
	split_bad("host:http");
	split_bad("host:72x");
	split_bad("host:65536");
	split_bad("host:-1");
	split_bad("a-name-far-longer-than-the-sixty-four-bytes-the-caller-"
	    "gave-us.example");
}

Test(hostport, loopback_names)
{
	cr_assert(hostport_loopback_name("localhost"));
	cr_assert(hostport_loopback_name("LocalHost"));
	cr_assert(hostport_loopback_name("127.0.0.1"));
	cr_assert(hostport_loopback_name("127.3.2.1"));
	cr_assert(hostport_loopback_name("::1"));
	cr_assert(hostport_loopback_name("::ffff:127.0.0.1"));
	cr_assert_not(hostport_loopback_name("128.0.0.1"));
	cr_assert_not(hostport_loopback_name("10.0.0.1"));
	cr_assert_not(hostport_loopback_name("::ffff:10.0.0.1"));
	cr_assert_not(hostport_loopback_name("fe80::1"));
	cr_assert_not(hostport_loopback_name("192.0.2.1"));
	cr_assert_not(hostport_loopback_name("2001:db8::1"));
	cr_assert_not(hostport_loopback_name("cafe.example"));
	cr_assert_not(hostport_loopback_name("localhost.example"));
}

Test(hostport, loopback_addresses_of_every_family)
{
	struct sockaddr_in	in4 = { .sin_family = AF_INET };
	struct sockaddr_in6	in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_un	un = { .sun_family = AF_UNIX };

	cr_assert(hostport_loopback_addr((struct sockaddr *)&un));
	inet_pton(AF_INET, "127.0.0.9", &in4.sin_addr);
	cr_assert(hostport_loopback_addr((struct sockaddr *)&in4));
	inet_pton(AF_INET, "192.168.1.9", &in4.sin_addr);
	cr_assert_not(hostport_loopback_addr((struct sockaddr *)&in4));
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	cr_assert(hostport_loopback_addr((struct sockaddr *)&in6));
	/* An IPv4 client of a dual-stack listener. */
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	cr_assert(hostport_loopback_addr((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "::ffff:192.168.1.9", &in6.sin6_addr);
	cr_assert_not(hostport_loopback_addr((struct sockaddr *)&in6));
}

Test(hostport, the_peer_of_a_real_socket)
{
	int	sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert(hostport_peer_local(sv[0]));
	close(sv[0]);
	close(sv[1]);
	cr_assert_not(hostport_peer_local(-1));
	cr_assert_not(hostport_peer_local(sv[0]));	/* closed */
}
