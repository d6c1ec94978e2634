/*
 * dial.c -- open a connection to the server the options name: a Unix
 * socket, or HOST:PORT resolved without blocking, in TLS with --tls.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "hostport.h"
#include "xmalloc.h"

/*
 * A bufferevent connecting to the server, with the callbacks set and
 * reading enabled; connection success or failure arrives through eventcb
 * (with TLS, "connected" means the handshake is done).  NULL when the
 * connection could not even be attempted.
 */
struct bufferevent *
dial_open(struct event_base *base, struct evdns_base *dns,
    const struct client_opts *opts, bufferevent_data_cb readcb,
    bufferevent_event_cb eventcb, void *arg)
{
	struct bufferevent	*bev;
	struct sockaddr_un	 sun;

	if (opts->host != NULL && opts->tls) {
		bev = bufferevent_openssl_socket_new(base, -1,
		    trust_session(opts->tls_ctx, opts->host),
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (bev != NULL)
			bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	} else
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("cannot make a bufferevent");
	bufferevent_setcb(bev, readcb, NULL, eventcb, arg);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (opts->host != NULL) {
		if (bufferevent_socket_connect_hostname(bev, dns, AF_UNSPEC,
		    opts->host, atoi(opts->port)) != 0) {
			bufferevent_free(bev);
			return NULL;
		}
		return bev;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", opts->socket_path);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0) {
		bufferevent_free(bev);
		return NULL;
	}
	return bev;
}

/* True if the name is a literal IPv4 or IPv6 address. */
bool
dial_is_address(const char *host)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	return inet_pton(AF_INET, host, &a4) == 1 ||
	    inet_pton(AF_INET6, host, &a6) == 1;
}

/*
 * Once connected: a TCP connection sends each small frame at once (without
 * TCP_NODELAY, Nagle's algorithm holds a frame until the server's delayed
 * ACK, 40 ms).  A Unix socket is left alone.
 */
void
dial_connected(struct bufferevent *bev)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;
	evutil_socket_t		fd = bufferevent_getfd(bev);
	int			one = 1;

	if (fd == -1 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}
